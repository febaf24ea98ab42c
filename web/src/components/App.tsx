// The top of the client: decides between setup, sign-in, joining by invitation and the
// workspace itself, and owns the signed-in Session.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { navigate, useRoute } from '../router';
import { loadSession, saveSession, type SavedSession } from '../state/persisted';
import { Session } from '../state/session';
import { AuthScreen } from './Auth';
import { Workspace } from './Workspace';

export function App() {
  const route = useRoute();
  const [saved, setSaved] = useState<SavedSession | null>(() => loadSession());

  const signedIn = (next: SavedSession) => {
    saveSession(next);
    setSaved(next);
    navigate('/', true);
  };
  const signedOut = () => {
    saveSession(null);
    setSaved(null);
  };

  if (!saved || route.kind === 'join') {
    return <AuthScreen route={route} onSignedIn={signedIn} />;
  }
  return <SignedIn saved={saved} onSignedOut={signedOut} />;
}

function SignedIn({ saved, onSignedOut }: { saved: SavedSession; onSignedOut: () => void }) {
  const session = useMemo(() => new Session(saved, onSignedOut), [saved.token]);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    session.start().catch((error) => setFailed(String(error)));
    return () => session.stop();
  }, [session]);

  if (failed) {
    return (
      <main class="center-screen">
        <p role="alert">Could not load the workspace: {failed}</p>
        <button onClick={() => location.reload()}>Try again</button>
      </main>
    );
  }
  return <Workspace session={session} />;
}
