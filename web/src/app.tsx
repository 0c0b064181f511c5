// The shell: sign-in gate, header with navigation, and hash routes (#/, #/t/<id>, #/live), so the
// server serves one page at `/` and nothing else needs a route.
import { useEffect, useRef, useState } from 'preact/hooks';
import { forgetKey, storedKey } from './api';
import { Home } from './home';
import { Live } from './live';
import { SignIn } from './sign-in';
import { TranscriptPage } from './transcript';

function currentRoute(): string {
  return location.hash.replace(/^#/, '') || '/';
}

export function App() {
  const [key, setKey] = useState(storedKey());
  const [route, setRoute] = useState(currentRoute());
  const main = useRef<HTMLElement>(null);

  useEffect(() => {
    const onHash = () => {
      setRoute(currentRoute());
      // A new "page": move focus to its content, as a full page load would.
      requestAnimationFrame(() => main.current?.focus());
    };
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  const signOut = () => {
    forgetKey();
    setKey(null);
    location.hash = '#/';
  };

  let page;
  let title = 'Transcripts';
  const transcript = /^\/t\/([^/]+)$/.exec(route);
  if (!key) {
    page = <SignIn onSignedIn={() => setKey(storedKey())} />;
    title = 'Sign in';
  } else if (transcript) {
    page = <TranscriptPage id={decodeURIComponent(transcript[1])} />;
    title = 'Transcript';
  } else if (route === '/live') {
    page = <Live />;
    title = 'Live captions';
  } else {
    page = <Home />;
  }
  useEffect(() => {
    document.title = `${title} · Earshot`;
  }, [title]);

  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), main.current?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="#/">
          <img src="/favicon.svg" alt="" width="24" height="24" />
          Earshot
        </a>
        {key && (
          <nav aria-label="Main">
            <a href="#/" aria-current={route === '/' ? 'page' : undefined}>
              Transcripts
            </a>
            <a href="#/live" aria-current={route === '/live' ? 'page' : undefined}>
              Live
            </a>
            <button type="button" class="link" onClick={signOut}>
              Sign out
            </button>
          </nav>
        )}
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {page}
      </main>
    </>
  );
}
