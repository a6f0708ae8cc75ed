/**
 * The Node versions the workbench supports: 24 (LTS, first) and 22 from 22.12. Node 20 left support in
 * April 2026, and better-sqlite3 13's Node-API 10 addon crashes on it instead of failing cleanly, so the
 * entry points check before they load anything native.
 */
export const supportedNodeRange = '>=22.12.0'

export function nodeVersionProblem(version: string): string | null {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version)
  if (!match) return `Cannot read the Node version "${version}": Chase Workbench needs Node 24 LTS or 22.12+.`
  const major = Number(match[1])
  const minor = Number(match[2])
  if (major > 22 || (major === 22 && minor >= 12)) return null
  return (
    `Node ${version.replace(/^v/, '')} is not supported: Chase Workbench needs Node 24 LTS (or 22.12+). ` +
    'Install it from nodejs.org or your version manager (nvm install 24), then run npm install again.'
  )
}
