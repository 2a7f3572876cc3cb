// The signed-in workspace: who is signed in, their contexts (Personal and every org),
// and where they are. Every feature reads this; only these methods change it.
import { stampOf, type Stamp } from './outcome';
import {
  commands,
  type AppPage,
  type Membership,
  type ReadScope,
  type SessionInfo,
  type StartupState,
} from './bindings';
import { call, messageOf } from './ipc';
import { pageAllowed } from './pages';
import { touches } from './refresh';
import { clearToasts, toast } from './toast.svelte';
import { startupMark } from './startup';
import { pinnedOrg } from './windowContext';

type Phase = 'loading' | 'signed-out' | 'signed-in';

/** Personal first, then by name, the order the server lists them in. */
function byContextOrder(a: Membership, b: Membership): number {
  if (a.org.kind !== b.org.kind) return a.org.kind === 'personal' ? -1 : 1;
  return a.org.name.localeCompare(b.org.name, undefined, { sensitivity: 'base' });
}

class Workspace {
  phase = $state<Phase>('loading');
  startup = $state<StartupState | null>(null);
  session = $state<SessionInfo | null>(null);
  contexts = $state<Membership[]>([]);
  /** When the contexts (and so each org's settings) were last heard from the server. */
  contextsStamp = $state<Stamp | null>(null);
  currentId = $state<string | null>(null);
  page = $state<AppPage>('overview');
  error = $state<string | null>(null);
  /** Set in an org's own window: it starts there and does not move the resume spot. */
  readonly pinned: string | null = pinnedOrg();

  current = $derived(
    this.contexts.find((c) => c.org.id === this.currentId) ?? this.contexts[0] ?? null,
  );
  /** The page shown: one that makes no sense here (Members in Personal, an audit log page
   *  restored after a role change) shows the overview instead. */
  shownPage = $derived<AppPage>(this.current && pageAllowed(this.current, this.page) ? this.page : 'overview');

  /**
   * Resumes the last session, or shows the sign-in screen. `listening` settles once the
   * app follows its events: the session is restored meanwhile, but the first reads (whose
   * background refresh can answer within milliseconds, in an event) wait for it.
   */
  async start(listening: Promise<unknown>): Promise<void> {
    try {
      const startup = await call(commands.restoreSession());
      startupMark('restored');
      this.startup = startup;
      await listening;
      startupMark('listening');
      if (startup.session) await this.enter(startup.session);
      else this.phase = 'signed-out';
    } catch (e) {
      this.error = messageOf(e);
      this.phase = 'signed-out';
    }
  }

  /** After sign-in or resume: load the contexts and go where the account was last. */
  async enter(session: SessionInfo): Promise<void> {
    clearToasts(); // a new session starts clean, whoever was signed in before
    this.session = session;
    this.error = null;
    try {
      await this.refresh();
    } catch (e) {
      this.error = messageOf(e);
    }
    startupMark('contexts');
    const last = this.pinned ? { org_id: this.pinned, page: 'overview' as AppPage } : session.location;
    if (last && this.contexts.some((c) => c.org.id === last.org_id)) {
      this.currentId = last.org_id;
      this.page = last.page;
    } else {
      this.currentId = this.contexts[0]?.org.id ?? session.me.personal_org_id;
      this.page = 'overview';
    }
    this.phase = 'signed-in';
  }

  async refresh(): Promise<void> {
    const fresh = await call(commands.listContexts());
    this.contexts = fresh.value.sort(byContextOrder);
    this.contextsStamp = stampOf(fresh);
  }

  /**
   * Fresher data arrived: re-reads the contexts when they were refreshed, and an org we
   * list when it (or everything of it) was. Quietly: a failure keeps what we show.
   */
  async refreshed(scopes: ReadScope[]): Promise<void> {
    if (this.phase !== 'signed-in') return;
    try {
      if (touches(scopes, [{ kind: 'orgs' }])) {
        await this.refresh();
        return;
      }
      const ids = new Set(
        scopes.flatMap((s) => (s.kind === 'org' || (s.kind === 'org_data' && s.data === 'membership') ? [s.org_id] : [])),
      );
      for (const id of ids) {
        if (!this.contexts.some((c) => c.org.id === id)) continue;
        this.upsert((await call(commands.getOrg(id))).value);
      }
    } catch (e) {
      console.warn('contexts not refreshed', e);
    }
  }

  /** Goes to a context (and page), and remembers it for the next start. */
  go(orgId: string, page: AppPage = this.page): void {
    this.currentId = orgId;
    this.page = page;
    if (this.pinned) return; // the main window's resume spot stays where it was
    void call(commands.saveLocation({ org_id: orgId, page })).catch((e) => {
      console.warn('location not saved', e);
    });
  }

  /** The tray or a notification asked for a context (at a page): go there, if it is one of ours. */
  requested(orgId: string, page: AppPage | null = null): void {
    if (this.phase === 'signed-in' && this.contexts.some((c) => c.org.id === orgId)) this.go(orgId, page ?? this.page);
  }

  /** Puts a created or changed org into the list, keeping the order. */
  upsert(m: Membership): void {
    const i = this.contexts.findIndex((c) => c.org.id === m.org.id);
    if (i >= 0) this.contexts[i] = m;
    else this.contexts.push(m);
    this.contexts.sort(byContextOrder);
  }

  /** The personal context's id: where one lands after leaving or losing an org. */
  get personalId(): string {
    return (
      this.contexts.find((c) => c.org.kind === 'personal')?.org.id ??
      this.session?.me.personal_org_id ??
      ''
    );
  }

  /** Drops an org (left, deleted, removed from it); if it was current, lands in Personal. */
  remove(orgId: string): void {
    this.contexts = this.contexts.filter((c) => c.org.id !== orgId);
    if (this.currentId === orgId) this.go(this.personalId, 'overview');
  }

  #checking = new Map<string, Promise<boolean>>(); // bookkeeping, not state

  /**
   * After an org-scoped command answered `not_found` or `forbidden`: re-reads the contexts
   * (roles may have changed). If the org is gone from them (removed, or it was deleted),
   * lands in Personal when it was current and says so. Resolves to whether access was lost.
   * Concurrent failures for one org share one check and one message.
   */
  checkAccess(orgId: string): Promise<boolean> {
    const running = this.#checking.get(orgId);
    if (running) return running;
    const check = (async () => {
      const before = this.contexts.find((c) => c.org.id === orgId);
      if (!before || before.org.kind === 'personal') return false;
      try {
        await this.refresh();
      } catch {
        return false; // cannot tell (offline): keep things as they are
      }
      if (this.contexts.some((c) => c.org.id === orgId)) return false;
      if (this.currentId === orgId) this.go(this.personalId, 'overview');
      toast(`You no longer have access to ${before.org.name}.`, 'error');
      return true;
    })().finally(() => this.#checking.delete(orgId));
    this.#checking.set(orgId, check);
    return check;
  }

  async signOut(): Promise<void> {
    await call(commands.signOut());
    this.#clear();
  }

  /** The account signed out in another window: this one shows the sign-in screen too. */
  signedOut(): void {
    if (this.phase === 'signed-in') this.#clear();
  }

  #clear(): void {
    const email = this.session?.me.user.email ?? null;
    this.session = null;
    clearToasts();
    this.contexts = [];
    this.currentId = null;
    this.page = 'overview';
    this.startup = {
      session: null,
      notice: null,
      hint: { ...(this.startup?.hint ?? { server_url: null }), email },
    };
    this.phase = 'signed-out';
  }
}

export const workspace = new Workspace();

/** The label a context goes by: the account's name for Personal. */
export function contextLabel(m: Membership): string {
  return m.org.kind === 'personal' ? 'Personal' : m.org.name;
}
