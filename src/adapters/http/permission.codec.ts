import { Str, strictObject } from './decode';

/** `{resource, action}` in a request; the domain's parser checks the words. */
export const PermissionBody = strictObject('Permission', { resource: Str(40), action: Str(40) });
