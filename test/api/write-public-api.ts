/**
 * Accepts a change to the public API: rewrites test/api/public-api.txt from the built
 * declarations (`npm run api:update`). Review its diff as the API change it is.
 */
import { writeFileSync } from 'node:fs';
import { repoPath } from '../helpers.js';
import { publicApi } from './public-api.js';

writeFileSync(repoPath('test/api/public-api.txt'), publicApi().text);
console.log('wrote test/api/public-api.txt');
