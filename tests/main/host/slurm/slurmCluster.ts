import { spawnSync } from 'node:child_process'
import { userInfo } from 'node:os'
import { resolve } from 'node:path'
import { applyOverrides } from '../../../../src/shared/config/overrides'
import { getPreset } from '../../../../src/shared/config/presets'
import { requireExperimentConfig } from '../../../../src/shared/config/parseConfig'
import type { Host } from '../../../../src/main/host/host'

/**
 * Whether a Slurm cluster answers here. In CI (CI=true) the tests that need one must fail when it is
 * missing (`.ci/run` starts one with scripts/slurm-dev-cluster.sh); elsewhere they skip with this reason.
 */
export const slurmAnswers =
  spawnSync('sinfo', ['-h', '-o', '%T'], { timeout: 15_000, encoding: 'utf8' }).status === 0
export const slurmRequired = process.env.CI === 'true'
export const noSlurmReason = 'no Slurm cluster answers `sinfo` (start one: sudo scripts/slurm-dev-cluster.sh)'

/**
 * slurmrestd as scripts/slurm-dev-cluster.sh starts it (JWT on 127.0.0.1:6820, or $CHASE_SLURMRESTD_URL).
 * The token comes from `scontrol token`, put in SLURM_JWT where the REST client reads it.
 */
export const restUrl = process.env.CHASE_SLURMRESTD_URL ?? 'http://127.0.0.1:6820'
const restUser = userInfo().username
const token = slurmAnswers
  ? /SLURM_JWT=(\S+)/.exec(
      spawnSync('scontrol', ['token', `username=${restUser}`, 'lifespan=7200'], { encoding: 'utf8' })
        .stdout ?? '',
    )?.[1]
  : undefined
if (token) process.env.SLURM_JWT = token
export const restSettings = { url: restUrl, user: restUser, tokenEnv: 'SLURM_JWT' }
export const restAnswers =
  token !== undefined &&
  spawnSync(
    process.execPath,
    [
      '-e',
      `fetch(process.argv[1] + '/slurm/v0.0.38/ping', { headers: { 'x-slurm-user-name': process.argv[2], 'x-slurm-user-token': process.argv[3] } })
        .then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
      restUrl,
      restUser,
      token,
    ],
    { timeout: 15_000 },
  ).status === 0
export const noRestReason = `no slurmrestd answers at ${restUrl} with a token from \`scontrol token\` (apt-get install slurmrestd, then sudo scripts/slurm-dev-cluster.sh)`

const fashionMnistFixture = resolve(import.meta.dirname, '../../../fixtures/data/fashion-mnist')

/** quick-fashion-mnist shrunk to seconds, on the committed fixture. */
export function tinyConfig(extra: string[] = []) {
  const preset = getPreset('quick-fashion-mnist')!
  return requireExperimentConfig(
    applyOverrides({ ...structuredClone(preset.config), preset: preset.name }, [
      `data.path=${fashionMnistFixture}`,
      'data.trainLimit=400',
      'data.testLimit=200',
      'optim.epochs=1',
      'optim.batchSize=50',
      ...extra,
    ]),
  )
}

/** Resolves once `test` holds for a run message of `runId` (progress, checkpoint, …). */
export function waitForMessage(
  host: Host,
  runId: string,
  test: (message: { type: string; step?: number }) => boolean,
): Promise<void> {
  return new Promise((resolve) => {
    const client = host.hub.connect((event) => {
      if (event.type === 'runMessage' && event.runId === runId && test(event.message)) {
        client.close()
        resolve()
      }
    })
    client.subscribedRuns.add(runId)
  })
}

/** Polls until `check` is true (Slurm's view changes on its own schedule). */
export async function eventually(
  check: () => boolean,
  what: string,
  timeoutMs = 240_000,
  state: () => unknown = () => undefined,
  /** Asked again before every check (e.g. a REST query). */
  refresh?: () => Promise<unknown>,
): Promise<void> {
  const until = Date.now() + timeoutMs
  while ((await refresh?.(), !check())) {
    if (Date.now() > until)
      throw new Error(
        `timed out after ${timeoutMs / 1000} s waiting for ${what}; state: ${JSON.stringify(state())}`,
      )
    await new Promise((r) => setTimeout(r, 250))
  }
}
