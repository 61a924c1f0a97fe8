#!/usr/bin/env node
/** The mqtt-jwt-bench executable: the CLI (cli.ts) on this process's argv. */
import { hideBin } from 'yargs/helpers';
import { cliMain } from './cli.js';

await cliMain(hideBin(process.argv));
