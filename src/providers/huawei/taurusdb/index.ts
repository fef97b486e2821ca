export { TaurusDbProvider, type TaurusDbProviderOptions, CREATE_BACKUP_OPERATION, DELETE_BACKUP_OPERATION } from './adapter.js';
