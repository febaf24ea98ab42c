// Setting up the first workspace, signing in, and joining through an invitation link. Each is
// one form over one public API method.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiClient, ApiError } from '../api/client';
import type { SignInResponse } from '../api/types';
import type { Route } from '../router';
import type { SavedSession } from '../state/persisted';

const api = new ApiClient(null);

const kMessages: Record<string, string> = {
  invalid_credentials: 'That email and password do not match an account.',
  invalid_invite: 'This invitation is not valid any more. Ask for a new one.',
  password_too_short: 'The password needs at least 8 characters.',
  invalid_email: 'That does not look like an email address.',
  name_taken: 'That username is taken.',
  already_in_team: 'You already have an account here; sign in instead.',
  ratelimited: 'Too many attempts. Wait a few minutes and try again.',
  setup_already_done: 'This server already has a workspace; sign in instead.',
};

function explain(error: unknown): string {
  if (error instanceof ApiError) return kMessages[error.error] ?? `Error: ${error.error}`;
  return 'Cannot reach the server. Check your connection.';
}

interface Props {
  route: Route;
  onSignedIn(session: SavedSession): void;
}

export function AuthScreen({ route, onSignedIn }: Props) {
  const [mode, setMode] = useState<'loading' | 'setup' | 'signin'>('loading');

  useEffect(() => {
    if (route.kind === 'join') return;
    api
      .call<{ setup_required: boolean }>('setup.info')
      .then((info) => setMode(info.setup_required ? 'setup' : 'signin'))
      .catch(() => setMode('signin'));
  }, [route.kind]);

  const done = (answer: SignInResponse) =>
    onSignedIn({ token: answer.token, user_id: answer.user_id, team_id: answer.team_id });

  if (route.kind === 'join') return <JoinForm code={route.code} onDone={done} />;
  if (mode === 'loading') return <main class="center-screen" aria-busy="true" />;
  return mode === 'setup' ? <SetupForm onDone={done} /> : <SignInForm onDone={done} />;
}

// A form whose fields are read by name on submit, with one error line.
function useSubmit(method: string, onDone: (answer: SignInResponse) => void) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event, extra: Record<string, string> = {}) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const args: Record<string, string> = { ...extra };
    form.forEach((value, key) => (args[key] = String(value)));
    setBusy(true);
    setError('');
    try {
      onDone(await api.call<SignInResponse>(method, args));
    } catch (caught) {
      setError(explain(caught));
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, submit };
}

function Field(props: { label: string; name: string; type?: string; autocomplete?: string }) {
  return (
    <label class="field">
      <span>{props.label}</span>
      <input
        name={props.name}
        type={props.type ?? 'text'}
        autoComplete={props.autocomplete}
        required
      />
    </label>
  );
}

interface CardProps {
  title: string;
  error: string;
  busy: boolean;
  action: string;
  onSubmit(event: Event): void;
  children: ComponentChildren;
}

function Card(props: CardProps) {
  return (
    <main class="center-screen">
      <form class="card" onSubmit={props.onSubmit} aria-labelledby="auth-title">
        <h1 id="auth-title">{props.title}</h1>
        {props.children}
        {props.error && (
          <p class="error" role="alert">
            {props.error}
          </p>
        )}
        <button type="submit" class="primary" disabled={props.busy}>
          {props.action}
        </button>
      </form>
    </main>
  );
}

function SignInForm({ onDone }: { onDone: (a: SignInResponse) => void }) {
  const { error, busy, submit } = useSubmit('auth.signin', onDone);
  return (
    <Card title="Sign in to Parley" error={error} busy={busy} action="Sign in" onSubmit={submit}>
      <Field label="Email" name="email" type="email" autocomplete="username" />
      <Field label="Password" name="password" type="password" autocomplete="current-password" />
    </Card>
  );
}

function SetupForm({ onDone }: { onDone: (a: SignInResponse) => void }) {
  const { error, busy, submit } = useSubmit('setup.createWorkspace', onDone);
  return (
    <Card
      title="Create your workspace"
      error={error}
      busy={busy}
      action="Create workspace"
      onSubmit={submit}
    >
      <p>You are the first person here, so you will own this workspace.</p>
      <Field label="Workspace name" name="team_name" />
      <Field label="Your full name" name="real_name" autocomplete="name" />
      <Field label="Email" name="email" type="email" autocomplete="username" />
      <Field label="Password" name="password" type="password" autocomplete="new-password" />
    </Card>
  );
}

function JoinForm({ code, onDone }: { code: string; onDone: (a: SignInResponse) => void }) {
  const { error, busy, submit } = useSubmit('invites.accept', onDone);
  return (
    <Card
      title="Join the workspace"
      error={error}
      busy={busy}
      action="Join"
      onSubmit={(event: Event) => submit(event, { code })}
    >
      <Field label="Your full name" name="real_name" autocomplete="name" />
      <Field label="Email" name="email" type="email" autocomplete="username" />
      <Field label="Password" name="password" type="password" autocomplete="new-password" />
    </Card>
  );
}
