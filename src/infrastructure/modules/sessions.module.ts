import { ContainerModule } from 'inversify';
import { sessionsRoutes } from '../../adapters/http/auth/sessions.routes';
import { EndOwnSession } from '../../application/sessions/end-own-session';
import { EndOwnSessions } from '../../application/sessions/end-own-sessions';
import { EndUserSessions } from '../../application/sessions/end-user-sessions';
import { ListOwnSessions } from '../../application/sessions/list-own-sessions';
import { ListUserSessions } from '../../application/sessions/list-user-sessions';
import { ManageableUser } from '../../application/users/manageable-user';
import type { NexusModule } from './module';

/** Listing and ending sessions: one's own, and (with `sessions:manage`) someone else's. */
export const sessionsModule: NexusModule = {
  name: 'sessions',
  bindings: new ContainerModule(({ bind }) => {
    for (const useCase of <const>[ManageableUser, ListOwnSessions, EndOwnSession, EndOwnSessions, ListUserSessions, EndUserSessions]) bind<unknown>(useCase).toSelf();
  }),
  routes: (resolve) =>
    sessionsRoutes({
      listOwn: resolve(ListOwnSessions),
      endOwn: resolve(EndOwnSession),
      endOwnAll: resolve(EndOwnSessions),
      listOfUser: resolve(ListUserSessions),
      endOfUser: resolve(EndUserSessions),
    }),
};
