// The overview of a context, read by the Overview page and by the member pages (seats).
import { commands, type Fresh, type OrgOverview } from './bindings';
import { callOrg } from './access';

export type Overview = OrgOverview;

/** The overview, with when it is from (the store may answer first). */
export function loadOverview(orgId: string): Promise<Fresh<Overview>> {
  return callOrg(orgId, commands.getOverview(orgId));
}

/** Seats still free on the plan (members and pending invitations both hold one); null
 *  for those who may not see pending invitations. */
export function seatsLeft(o: Overview): number | null {
  return o.seats_used === null ? null : Math.max(0, o.limits.seats - o.seats_used);
}
