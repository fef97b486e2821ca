import { registerPath, type RestContext } from './rest.js';
import { sessionShape } from './shapes.js';
import { isSessionValid, logIn } from './sessions.js';
import { validateParams } from './validation.js';

/** Login, logout and session validation (zstack.md §2); all sync and without a credential check. */
export function registerAuthRoutes(context: RestContext): void {
  const { state } = context;

  registerPath(context, '/accounts/login', [
    {
      kind: 'sync',
      method: 'PUT',
      action: 'logInByAccount',
      noCredentials: true,
      schema: { inventory: sessionShape },
      run: ({ params }) => {
        validateParams('org.zstack.header.identity.APILogInByAccountMsg', params, { accountName: {}, password: {} });
        return { inventory: { ...logIn(state, String(params.accountName), String(params.password), context.sessionTimeoutMs).inventory } };
      },
    },
  ]);

  registerPath(context, '/accounts/sessions/{sessionUuid}', [
    {
      kind: 'sync',
      method: 'DELETE',
      noCredentials: true,
      run: ({ params }) => {
        state.sessions.delete(String(params.sessionUuid));
        return {};
      },
    },
  ]);

  registerPath(context, '/accounts/sessions/{sessionUuid}/valid', [
    {
      kind: 'sync',
      method: 'GET',
      noCredentials: true,
      run: ({ params }) => ({ valid: isSessionValid(state, String(params.sessionUuid)) }),
    },
  ]);
}
