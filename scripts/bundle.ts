/** `npm run build`'s second half: bundles the deployed functions entry (see scripts/lib/bundle.ts). */
import { bundleFunctions } from './lib/bundle.js';

await bundleFunctions();
