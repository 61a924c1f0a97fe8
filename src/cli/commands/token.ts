/** `mqtt-jwt-bench token`: one device token, as the akenza examples' `create_jwt` makes it. */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Argv, CommandModule } from 'yargs';
import { ConfigError, EXIT_OK } from '../../errors.js';
import type { Algorithm } from '../../identity/algorithms.js';
import { passphraseFrom, readKeyFile } from '../../identity/key-files.js';
import { assertKeyFitsAlgorithm, assertKeysMatch, fingerprint, parsePrivateKey, parsePublicKey } from '../../identity/keys.js';
import { DEFAULT_AUDIENCE_TEMPLATE, signTokenSync, tokenParts } from '../../identity/token.js';
import { parseDurationMs, DURATION_EXAMPLE } from '../../scenario/units.js';
import { handle } from '../errors.js';
import { checkAlgorithm } from './keys.js';
import type { ArgsOf, FlagsOf } from '../command-args.js';

const builder = (y: Argv) =>
  y
    .option('key', { type: 'string', demandOption: true, describe: 'Private key PEM (PKCS#8, PKCS#1, SEC1, encrypted PKCS#8)' })
    .option('device', { type: 'string', demandOption: true, describe: 'Device id (the aud is built from it)' })
    .option('alg', { type: 'string', describe: 'Algorithm (default: RS256 for RSA keys, ES256/384/512 by curve, EdDSA)' })
    .option('lifetime', { type: 'string', default: '20m', describe: 'exp − iat' })
    .option('aud', { type: 'string', default: DEFAULT_AUDIENCE_TEMPLATE, describe: 'Audience template; {deviceId} is replaced' })
    .option('public-key', { type: 'string', describe: 'SPKI PEM or X.509 certificate: the kid is its fingerprint' })
    .option('passphrase-env', { type: 'string', describe: 'Environment variable holding the key passphrase' })
    .option('decode', { type: 'boolean', default: false, describe: 'Also print the header and claims' });

type TokenArgs = ArgsOf<typeof builder>;

/** The algorithm a key signs with when none is named: RS256 for RSA, by curve for EC. */
function defaultAlgorithm(key: KeyObject): Algorithm {
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    return curve === 'secp384r1' ? 'ES384' : curve === 'secp521r1' ? 'ES512' : 'ES256';
  }
  return key.asymmetricKeyType === 'ed25519' ? 'EdDSA' : 'RS256';
}

async function token(args: TokenArgs): Promise<number> {
  const lifetimeMs = parseDurationMs(args.lifetime);
  if (lifetimeMs === undefined) throw new ConfigError(`--lifetime: expected ${DURATION_EXAMPLE} (got "${args.lifetime}")`);
  const passphrase = passphraseFrom(args.passphraseEnv ?? null, process.env, args.key);
  const privateKey = parsePrivateKey(await readKeyFile(args.key, 'private key'), args.key, passphrase);
  const alg = args.alg === undefined ? defaultAlgorithm(privateKey) : checkAlgorithm(args.alg);
  assertKeyFitsAlgorithm(privateKey, alg, args.key);
  let publicKey = createPublicKey(privateKey);
  if (args.publicKey !== undefined) {
    publicKey = parsePublicKey(await readKeyFile(args.publicKey, 'public key'), args.publicKey);
    assertKeysMatch(privateKey, publicKey, `${args.publicKey} and ${args.key}`);
  }
  const bits = privateKey.asymmetricKeyDetails?.modulusLength;
  if (bits !== undefined && bits < 2048) process.stderr.write(`warning: ${args.key}: RSA key of ${bits} bits; 2048 is the least that RFC 7518 §3.3 allows\n`);
  const spec = { alg, audienceTemplate: args.aud, lifetimeSec: Math.round(lifetimeMs / 1000), includeKid: true };
  const kid = fingerprint(publicKey);
  const nowSec = Date.now() / 1000;
  process.stdout.write(`${signTokenSync(spec, args.device, privateKey, kid, nowSec)}\n`);
  if (args.decode) {
    const { header, payload } = tokenParts(spec, args.device, kid, nowSec);
    process.stdout.write(`${JSON.stringify(header, null, 2)}\n${JSON.stringify(payload, null, 2)}\n`);
  }
  return EXIT_OK;
}

export const tokenCommandModule: CommandModule<object, FlagsOf<typeof builder>> = {
  command: 'token',
  describe: "Print one device token (the akenza examples' create_jwt as a command)",
  builder,
  handler: handle(token),
};
