import { canonicalLicenceContent, inForceOn, parseLicenceCode, parseLicenceContent, type LicenceContent } from '../../domain/licences';
import { generateCounty } from '../../mocks';
import { signingKeyFor, signLicence } from '../../mocks/shared/signing';
import { LicenceVerifier } from '../../subgraphs/shared/licences';

const content: LicenceContent = {
  type: 'CONSTRUCTION_PERMIT',
  number: '522633202403150101',
  holder: '91350100M000100Y43',
  subject: '2409-522633-89-01-123457',
  issuedOn: '2024-03-15',
  validUntil: '2027-03-15',
  issuer: '11522633MB1234567X',
};

describe('e-licence signatures', () => {
  const key = signingKeyFor(1, 'construction');
  const verifier = new LicenceVerifier(key.publicKeyPem);
  const signature = signLicence(content, key);

  it('verifies what the department signed', () => {
    expect(verifier.verify(content, signature)).toBe(true);
  });

  it('fails for any changed fact, another key, or no signature', () => {
    expect(verifier.verify({ ...content, validUntil: '2029-03-15' }, signature)).toBe(false);
    expect(verifier.verify({ ...content, holder: '91110000802100433B' }, signature)).toBe(false);
    expect(new LicenceVerifier(signingKeyFor(1, 'land').publicKeyPem).verify(content, signature)).toBe(false);
    expect(verifier.verify(content, '')).toBe(false);
    expect(verifier.verify(content, 'not base64 at all!')).toBe(false);
  });

  it('signs a canonical text: fixed key order, so the same facts give the same bytes', () => {
    const reordered = Object.fromEntries(Object.entries(content).reverse()) as unknown as LicenceContent;
    expect(canonicalLicenceContent(reordered)).toBe(canonicalLicenceContent(content));
    expect(parseLicenceContent(canonicalLicenceContent(content))).toEqual(content);
    expect(parseLicenceContent('{"type":"NOPE"}')).toEqual({ error: expect.stringMatching(/missing|unknown/) });
  });

  it('in the seeded county, every licence verifies except the one tampered with on purpose', () => {
    const county = generateCounty();
    const keys = {
      market: new LicenceVerifier(county.departments.marketRegulation.signingKey.publicKeyPem),
      land: new LicenceVerifier(county.departments.naturalResources.signingKey.publicKeyPem),
      housing: new LicenceVerifier(county.departments.housingConstruction.signingKey.publicKeyPem),
    };
    const failing: string[] = [];
    const check = (v: LicenceVerifier, l: { content: LicenceContent; signature: string }) => {
      if (!v.verify(l.content, l.signature)) failing.push(l.content.number);
    };
    for (const e of county.enterprises) check(keys.market, e.businessLicence);
    for (const p of county.parcels) {
      check(keys.land, p.certificate);
      for (const permit of [p.siteSelectionOpinion, p.landPlanningPermit, p.engineeringPlanningPermit]) if (permit) check(keys.land, permit.licence);
    }
    for (const p of county.projects) if (p.constructionPermit) check(keys.housing, p.constructionPermit.licence);
    const tampered = county.projects.find((p) => p.code === county.edgeCases.tamperedPermitProject)!;
    expect(failing).toEqual([tampered.constructionPermit!.number]);
  });
});

describe('parseLicenceCode: the text of a QR code, read strictly', () => {
  const content: LicenceContent = { type: 'CONSTRUCTION_PERMIT', number: 'N1', holder: 'H', subject: 'S', issuedOn: '2025-01-01', validUntil: '2028-01-01', issuer: 'I' };
  const code = JSON.stringify({ ...JSON.parse(canonicalLicenceContent(content)), signature: 'c2ln' });

  it('reads the content and the signature of a well-formed code', () => {
    expect(parseLicenceCode(code)).toEqual({ content, signature: 'c2ln' });
  });

  it.each([
    ['a field given twice', code.replace('{', '{"number":"N2",'), /"number" is given more than once/],
    ['a field given twice with escapes in between', code.replace('{', '{"subject":"a\\"b\\\\","subject":"S",'), /"subject" is given more than once/],
    ['a field no licence has', code.replace('{', '{"extra":1,'), /"extra" is not part of a licence/],
    ['no signature', canonicalLicenceContent(content), /"signature" is missing/],
    ['a missing field', code.replace('"holder":"H",', ''), /"holder" is missing/],
    ['an array', '[]', /JSON object/],
  ])('refuses %s', (_name, text, why) => {
    expect(parseLicenceCode(text)).toEqual({ error: expect.stringMatching(why) });
  });

  it('judges in force by date alone', () => {
    expect(inForceOn(content, '2026-12-02')).toEqual({ inForce: true, reason: null });
    expect(inForceOn(content, '2028-01-02')).toEqual({ inForce: false, reason: 'expired on 2028-01-01' });
    expect(inForceOn(content, '2024-12-31')).toEqual({ inForce: false, reason: 'not in force before 2025-01-01' });
    expect(inForceOn({ ...content, validUntil: null }, '2099-01-01').inForce).toBe(true);
  });
});
