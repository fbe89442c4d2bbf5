export type RoleError =
  | { readonly _tag: 'RoleNotFound'; readonly roleId: string }
  | { readonly _tag: 'RoleNameTaken'; readonly name: string }
  | { readonly _tag: 'RoleInUse'; readonly roleId: string; readonly users: number }
  | { readonly _tag: 'SystemRoleProtected'; readonly name: string }
  | { readonly _tag: 'RoleNotAssigned'; readonly roleId: string }
  | { readonly _tag: 'RoleAlreadyAssigned'; readonly roleId: string }
  | { readonly _tag: 'RoleChanged'; readonly roleId: string };

export const roleNotFound = (roleId: string): RoleError => ({ _tag: 'RoleNotFound', roleId });
