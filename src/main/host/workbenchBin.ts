import { fileURLToPath } from 'node:url'

/**
 * `bin/chase-workbench` of this checkout, which Slurm tasks run on the nodes by default (the checkout must
 * then sit on the cluster's shared filesystem; a sweep's `slurm.workbenchPath` names another install).
 */
export const workbenchBin = fileURLToPath(new URL('../../../bin/chase-workbench', import.meta.url))
