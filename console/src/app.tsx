/** The shell: sign-in gate, header with the signed-in administrator, navigation, the routed page. */
import { useEffect, useState } from 'preact/hooks';
import { currentSession, signOut } from './api.ts';
import type { Session } from './api.ts';
import { useRoute } from './router.ts';
import { ErrorBox } from './ui.tsx';
import { SignIn } from './pages/sign-in.tsx';
import { Dashboard } from './pages/dashboard.tsx';
import { Certificates } from './pages/certificates.tsx';
import { Wizard } from './pages/wizard.tsx';
import { Partners } from './pages/partners.tsx';
import { Connectivity } from './pages/connectivity.tsx';
import { TokenTest } from './pages/token-test.tsx';
import { Audit } from './pages/audit.tsx';

const PAGES = [
  ['/', 'Dashboard'],
  ['/certificates', 'Certificates'],
  ['/wizard', 'Certificate wizard'],
  ['/partners', 'Partners and OAuth servers'],
  ['/connectivity', 'Connectivity test'],
  ['/token-test', 'Token test'],
  ['/audit', 'Audit log'],
] as const;

export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const path = useRoute();
  useEffect(() => {
    currentSession().then(setSession, (e: unknown) => {
      setError(e);
      setSession(null);
    });
  }, []);
  if (session === undefined) return <p class="live">Loading…</p>;
  if (session === null)
    return (
      <>
        <ErrorBox error={error} />
        <SignIn onSignedIn={setSession} />
      </>
    );
  const page = path.split('?')[0] ?? '/';
  return (
    <>
      <a
        class="skip"
        href="#content"
        onClick={(e) => (e.preventDefault(), document.getElementById('content')?.focus())}
      >
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="#/">
          s2s console
        </a>
        <span class="who">
          Signed in as <strong>{session.name}</strong> ({session.role}){' '}
          <button
            class="secondary"
            type="button"
            onClick={() => {
              void signOut().then(() => setSession(null));
            }}
          >
            Sign out
          </button>
        </span>
      </header>
      <nav class="main" aria-label="Console">
        <ul>
          {PAGES.map(([href, label]) => (
            <li key={href}>
              <a href={`#${href}`} aria-current={page === href ? 'page' : undefined}>
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="content" tabIndex={-1}>
        <Page path={page} session={session} />
      </main>
    </>
  );
}

function Page(props: { path: string; session: Session }) {
  const role = props.session.role;
  switch (props.path) {
    case '/':
      return <Dashboard />;
    case '/certificates':
      return <Certificates role={role} />;
    case '/wizard':
      return <Wizard role={role} />;
    case '/partners':
      return <Partners role={role} />;
    case '/connectivity':
      return <Connectivity role={role} />;
    case '/token-test':
      return <TokenTest />;
    case '/audit':
      return <Audit />;
    default:
      return (
        <p>
          No such page. <a href="#/">Back to the dashboard</a>.
        </p>
      );
  }
}
