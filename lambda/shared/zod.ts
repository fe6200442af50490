/**
 * zod for the functions: `zod/mini`, whose functional API lets esbuild drop what a function does
 * not use (`import { z } from 'zod'` puts all of zod, ~445 KB, into every bundle). Import it as a
 * namespace, `import * as z from '../shared/zod'`: a `z` object passed around as a value (as in
 * `import { z } from 'zod/mini'`) keeps every export alive, locales included.
 *
 * zod/mini ships no messages ("Invalid input" for everything); the English ones are loaded here
 * because a 400 response names the problem. Functions import zod from this module only.
 */

import { en } from 'zod/locales';
import { config } from 'zod/mini';

config(en());

export * from 'zod/mini';
