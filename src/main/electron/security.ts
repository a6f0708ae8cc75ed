import type { App, Session, WebContents } from 'electron'

/** The renderer loads only its own bundle: no remote code, no plugins, no framing, no eval. */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  // ECharts and Vue's transitions set inline styles.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

/** Sends the CSP with every response and refuses every permission (camera, notifications, …). */
export function hardenSession(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy] },
    })
  })
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
}

/**
 * Every web contents the app creates may not navigate away from the app, open windows, or attach
 * webviews; links to the outside are simply refused (the workbench has none it needs to follow).
 */
export function denyNavigation(app: App, isAppUrl: (url: string) => boolean): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault()
    })
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault()
    })
    contents.on('will-attach-webview', (event) => event.preventDefault())
    contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  })
}
