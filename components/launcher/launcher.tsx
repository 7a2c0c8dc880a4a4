'use client';

import { useEffect, useRef, useState, type ReactNode } from 'react';
import { api } from '@/components/api/api-client';
import { AppGrid, AppGridSkeleton } from './app-grid';
import { LauncherHeader } from './launcher-header';
import { interpretFrame } from './launcher-notification';
import { MessagesView } from './messages-view';
import { NotificationsView } from './notifications-view';
import { browserStorage, forgetAllNotifications } from './notification-store';
import { alertPermission, requestAlertPermission, showSystemAlert, type AlertPermission } from './system-alert';
import { TabBar, panelId, tabId, type LauncherTab, type LauncherView } from './tab-bar';
import { useLauncher, type LauncherState } from './use-launcher';
import { useMessages } from './use-messages';
import { useNotifications } from './use-notifications';
import { useNow } from './use-now';
import { usePageVisible } from './use-page-visible';
import { usePush } from './use-push';
import './launcher.css';

/** The mobile launcher (`/m`): the user's apps, their push notifications and in-platform messages. */
export function Launcher() {
  const launcher = useLauncher();
  const { data } = launcher;
  const [view, setView] = useState<LauncherView>('apps');
  const notifications = useNotifications(data?.user.id ?? null, data?.tenant?.id ?? null);
  const messages = useMessages(data?.tenant?.id ?? null);
  const pageVisible = usePageVisible();
  const now = useNow();
  const permission = useAlertPermission();
  const openedBefore = useRef(false);

  function onFrame(frame: unknown): void {
    const event = interpretFrame(frame, data?.apps ?? []);
    if (event?.kind === 'inbox') {
      void messages.refresh();
      const { messageId, subject } = event.notice;
      showSystemAlert({ title: 'New message', body: subject, tag: messageId, onClick: () => setView('messages') });
    } else if (event?.kind === 'notification') {
      const item = event.notification;
      notifications.add(item);
      const body = item.body ? `${item.appTitle}: ${item.body}` : item.appTitle;
      const open = () => (item.href ? window.location.assign(item.href) : setView('notifications'));
      showSystemAlert({ title: item.title, body, tag: item.id, onClick: open });
    }
  }

  const status = usePush(data?.push ?? null, {
    onFrame,
    // Messages sent while the socket was down announced themselves to nobody: reload them.
    onOpen: () => {
      if (openedBefore.current) void messages.refresh();
      openedBefore.current = true;
    },
    onTokenExpired: () => void launcher.refresh(),
  });

  const refreshMessages = messages.refresh;
  useEffect(() => {
    if (view === 'messages') void refreshMessages();
  }, [view, refreshMessages]);

  const tabs: LauncherTab[] = [
    { view: 'apps', label: 'Apps', icon: 'apps', badge: 0 },
    { view: 'notifications', label: 'Notifications', icon: 'bell', badge: notifications.unseen },
    { view: 'messages', label: 'Messages', icon: 'mail', badge: messages.page?.unread ?? 0 },
  ];

  return (
    <div className="ln">
      <LauncherHeader
        data={data}
        pendingTenantId={launcher.pendingTenantId}
        status={status}
        onChooseTenant={launcher.chooseTenant}
        onSignOut={() => void signOut()}
      />
      <main className="ln-main">
        <LoadError launcher={launcher} />
        <Panel view="apps" active={view}>
          <h2 className="visually-hidden">Apps</h2>
          <AppsPanel launcher={launcher} />
        </Panel>
        <Panel view="notifications" active={view}>
          <NotificationsView
            notifications={notifications}
            active={view === 'notifications'}
            pageVisible={pageVisible}
            // Without an organisation there is no plan to speak of.
            hasPush={!data?.tenant || data.push !== null}
            permission={permission.value}
            onAllowAlerts={() => void permission.request()}
            now={now}
          />
        </Panel>
        <Panel view="messages" active={view}>
          <MessagesView messages={messages} now={now} />
        </Panel>
      </main>
      <TabBar tabs={tabs} active={view} onSelect={setView} />
    </div>
  );
}

function Panel({ view, active, children }: { view: LauncherView; active: LauncherView; children: ReactNode }) {
  return (
    <section role="tabpanel" id={panelId(view)} aria-labelledby={tabId(view)} hidden={view !== active}>
      {children}
    </section>
  );
}

function AppsPanel({ launcher }: { launcher: LauncherState }) {
  const { data, error, pendingTenantId } = launcher;
  if (!data) return error ? null : <AppGridSkeleton />;
  if (!data.tenant) return <p className="ln-empty">You are not a member of any organisation yet.</p>;
  return (
    <div aria-busy={pendingTenantId !== null} className={pendingTenantId ? 'ln-switching' : undefined}>
      <AppGrid apps={data.apps} />
    </div>
  );
}

function LoadError({ launcher }: { launcher: LauncherState }) {
  if (!launcher.error) return null;
  return (
    <div className="ln-error" role="alert">
      <span>{launcher.error}</span>
      <button type="button" className="ln-action" onClick={() => void launcher.refresh()}>
        Try again
      </button>
    </div>
  );
}

/** The alert permission, read after mount (the server render has no `Notification`). */
function useAlertPermission(): { value: AlertPermission; request: () => Promise<void> } {
  const [value, setValue] = useState<AlertPermission>('unsupported');
  useEffect(() => setValue(alertPermission()), []);
  return { value, request: async () => setValue(await requestAlertPermission()) };
}

async function signOut(): Promise<void> {
  try {
    await api.auth.logout();
    forgetAllNotifications(browserStorage());
  } finally {
    window.location.assign('/login?next=%2Fm');
  }
}
