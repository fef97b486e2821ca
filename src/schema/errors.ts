import { NotFoundError, ValidationError, VendorError } from '../domain/errors.js';
import { builder } from './builder.js';
import { ProviderRef } from './refs.js';

/** Errors as data: what a mutation's result union can hold besides its success. */

const ErrorInterface = builder.interfaceRef<Error>('Error').implement({
  fields: (t) => ({ message: t.exposeString('message', { nullable: false }) }),
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  description: 'Input that breaks a rule; nothing was sent upstream.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    field: t.exposeString('field', { nullable: false, description: 'Path of the offending input field, e.g. `name` or `bandwidth.volumeRead`.' }),
    rule: t.exposeString('rule', { nullable: false, description: 'The rule it breaks, e.g. `max-length:255`.' }),
    vendorCode: t.exposeString('vendorCode', { description: "The vendor's code for this rule, when the rule is the vendor's." }),
  }),
});

builder.objectType(VendorError, {
  name: 'VendorError',
  description: 'The vendor refused or failed the operation.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    provider: t.field({
      type: ProviderRef,
      nullable: false,
      resolve: (error, _args, ctx) => {
        const provider = ctx.tenant.provider(error.providerKey);
        if (!provider) throw new Error(`vendor error of unknown provider ${error.providerKey}`);
        return provider;
      },
    }),
    vendorCode: t.exposeString('vendorCode', { description: "The vendor's own error code (SYS.1007, VolumeBackup.0005, DBS.201205 ...)." }),
    httpStatus: t.exposeInt('httpStatus'),
  }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ id: t.exposeID('id', { nullable: false }) }),
});

export const MUTATION_ERRORS = [ValidationError, VendorError, NotFoundError];
