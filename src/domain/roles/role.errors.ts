export type RoleError =
  | { readonly _tag: 'RoleNotFound'; readonly roleId: string }
  | { readonly _tag: 'RoleNameTaken'; readonly name: string }
  | { readonly _tag: 'RoleInUse'; readonly roleId: string; readonly users: number }
  | { readonly _tag: 'SystemRoleProtected'; readonly name: string }
  | { readonly _tag: 'RoleNotAssigned'; readonly roleId: string }
  | { readonly _tag: 'RoleAlreadyAssigned'; readonly roleId: string }
  | { readonly _tag: 'RoleChanged'; readonly roleId: string }
  /** The change would leave no active user holding `*:*`, and nobody could ever grant it back. */
  | { readonly _tag: 'LastSuperuser' }
  /** Another change to who holds `*:*` is running and did not finish in time; retrying is safe. */
  | { readonly _tag: 'SuperuserChangeBusy' }
  /** The built-in `admin` role is not changed at all. */
  | { readonly _tag: 'BuiltInRoleFrozen'; readonly name: string }
  /** The other built-in roles (`user`) change only by a holder of `*:*`. */
  | { readonly _tag: 'BuiltInRoleNeedsSuperuser'; readonly name: string };

export const roleNotFound = (roleId: string): RoleError => ({ _tag: 'RoleNotFound', roleId });
export const roleNameTaken = (name: string): RoleError => ({ _tag: 'RoleNameTaken', name });
export const lastSuperuser: RoleError = { _tag: 'LastSuperuser' };
