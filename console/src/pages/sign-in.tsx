/** Sign-in: name and password, sent once; the password never stays in the page's state after submission. */
import { useState } from 'preact/hooks';
import { signIn } from '../api.ts';
import type { Session } from '../api.ts';
import { ErrorBox, Field } from '../ui.tsx';

export function SignIn(props: { onSignedIn: (s: Session) => void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main class="signin" id="content">
      <h1>Sign in to s2s</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          const p = password;
          setPassword('');
          signIn(name, p).then(props.onSignedIn, (err: unknown) => {
            setError(err);
            setBusy(false);
          });
        }}
      >
        <Field
          label="Administrator name"
          name="name"
          value={name}
          onInput={setName}
          required
          autocomplete="username"
        />
        <Field
          label="Password"
          name="password"
          type="password"
          value={password}
          onInput={setPassword}
          required
          autocomplete="current-password"
        />
        <ErrorBox error={error} />
        <div class="actions">
          <button type="submit" disabled={busy}>
            Sign in
          </button>
        </div>
      </form>
      <p class="hint">
        First sign-in on a new deployment: see the README, "The web console". Every operation here is also an
        s2s command.
      </p>
    </main>
  );
}
