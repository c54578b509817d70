#!/usr/bin/env node
// The `outpost` command. Sources are TypeScript; tsx compiles them in-process as they load.
import { register } from 'tsx/esm/api';

register();
await import('./outpost.ts');
