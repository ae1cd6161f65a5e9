import type { UiStrings } from '../../shared/chat-protocol';

export interface ChatPage {
  /** webview.cspSource: the origin asWebviewUri URIs are served from. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  strings: UiStrings;
  /** A fresh value per page load; see newNonce. */
  nonce: string;
}

/**
 * 128 random bits from the CSPRNG: a nonce a page's content cannot guess. Web Crypto, so this file also builds the
 * page in the webview's own tests.
 */
export function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

/**
 * The chat view's page. Nothing is allowed by default; the one script must carry the nonce and the
 * styles come from the extension's media only, so injected markup can neither run nor load anything.
 * The page has no inline script: its labels travel in a data attribute the script reads.
 */
export function chatHtml(page: ChatPage): string {
  const csp = [
    "default-src 'none'",
    `style-src ${page.cspSource}`,
    `font-src ${page.cspSource}`,
    `img-src ${page.cspSource}`,
    `script-src 'nonce-${page.nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(page.styleUri)}">
<title>RepoSage</title>
</head>
<body data-strings="${escapeHtml(JSON.stringify(page.strings))}">
<div id="banner" role="status" hidden></div>
<div id="empty"></div>
<main id="transcript" aria-live="polite"></main>
<form id="composer">
<textarea id="question" rows="3" aria-label="${escapeHtml(page.strings.placeholder)}"></textarea>
<div class="buttons">
<button type="button" id="new-chat" class="secondary"></button>
<button type="button" id="stop" hidden></button>
<button type="submit" id="send"></button>
</div>
</form>
<script nonce="${escapeHtml(page.nonce)}" src="${escapeHtml(page.scriptUri)}"></script>
</body>
</html>`;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
