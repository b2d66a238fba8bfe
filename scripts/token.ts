/**
 * `npm run token -- --sub u1 --org 522633-zj --region 522633 --scope "enterprise:read land:read pii:read"`
 * prints a development token the embedded default accepts.
 */
import { ALL_SCOPES, devIssuer } from '../stack/dev-issuer';

async function main() {
  const args = new Map<string, string>();
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!;
    if (!/^--(sub|name|org|region|scope|expires)$/.test(flag) || argv[i + 1] === undefined) {
      throw new Error(`usage: npm run token -- --sub <id> --region <division code> [--org <dept>] [--name <name>] [--scope "<scopes>"] [--expires 8h]; got "${flag}"`);
    }
    args.set(flag.slice(2), argv[i + 1]!);
  }
  const issuer = await devIssuer();
  process.stdout.write(
    `${await issuer.token({
      sub: args.get('sub') ?? 'dev-user',
      name: args.get('name'),
      org: args.get('org'),
      region: args.get('region') ?? '522633',
      scope: args.get('scope') ?? ALL_SCOPES.join(' '),
      expiresIn: args.get('expires'),
    })}\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
