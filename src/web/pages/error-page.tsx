import { Button } from '../components.tsx';
import { Layout } from '../layout.tsx';
import { renderPage } from '../render.ts';

export interface ErrorPageProps {
  status: number;
  title: string;
  message: string;
  requestId: string;
}

/**
 * An error inside the normal site chrome, signed out: the error may have come
 * from the session lookup itself, so it must not depend on it.
 */
export function ErrorPage(props: ErrorPageProps) {
  const { status, title, message, requestId } = props;
  return (
    <Layout title={title} user={null} description={message}>
      <section class="container error-page" aria-labelledby="error-title">
        <p class="error-status">Error {status}</p>
        <h1 id="error-title">{title}</h1>
        <p class="lead">{message}</p>
        <div class="actions">
          <Button href="/">Go to the home page</Button>
          <Button href="/contact" variant="secondary">
            Contact us
          </Button>
        </div>
        <p class="error-meta">
          If you contact support about this, quote the reference <code>{requestId}</code>.
        </p>
      </section>
    </Layout>
  );
}

/**
 * Friendly copy per status. For 500 the catalog message is replaced outright:
 * the HTML page must never show more than "it broke, we know".
 */
function copyFor(status: number, message: string): { title: string; message: string } {
  switch (status) {
    case 404:
      return {
        title: 'We could not find that page',
        message: 'The link may be old or mistyped. Try the home page, or tell us what you were looking for.',
      };
    case 401:
      return { title: 'Please sign in', message };
    case 403:
      return { title: 'You cannot open this page', message };
    case 429:
      return { title: 'Too many requests', message };
    case 503:
      return { title: 'We will be right back', message };
    default:
      if (status >= 500) {
        return {
          title: 'Something went wrong',
          message: 'Something went wrong on our side. It has been logged and we will look into it.',
        };
      }
      return { title: 'We could not handle that request', message };
  }
}

/** The HTML error document the error mapper sends to browsers. */
export function renderErrorPage(input: {
  status: number;
  code: string;
  message: string;
  requestId: string;
}): string {
  const copy = copyFor(input.status, input.message);
  return renderPage(
    <ErrorPage status={input.status} title={copy.title} message={copy.message} requestId={input.requestId} />,
  );
}
