import {
  checkConstructionPermitNumber,
  checkDivisionCode,
  checkElectronicLicenceId,
  checkMobilePhone,
  checkProjectCode,
  checkRegionCode,
  checkResidentIdNumber,
  checkTownCode,
  checkUnitNumber,
  checkUscc,
  idCardCheckChar,
  orgCodeCheckChar,
  usccCheckChar,
} from '../../domain/identifiers';

const reasonOf = (r: { valid: boolean; reason?: string }) => (r.valid ? 'valid' : r.reason);

describe('统一社会信用代码 (GB 32100-2015)', () => {
  // Built by hand from the rules: 9 (market regulation) 1 (enterprise) 522633, org code MA6DJ2R3 + GB 11714 check.
  const org8 = 'MA6DJ2R3';
  const first17 = `91522633${org8}${orgCodeCheckChar(org8)}`;
  const valid = first17 + usccCheckChar(first17);

  it('accepts a code whose both checks hold', () => {
    expect(checkUscc(valid)).toEqual({ valid: true });
  });

  it('accepts published codes', () => {
    // The standard's own example, and a code printed on a real business licence.
    expect(checkUscc('91350100M000100Y43')).toEqual({ valid: true });
    expect(checkUscc('91110000802100433B')).toEqual({ valid: true });
  });

  it('computes the GB 11714 check with 10 → X and 11 → 0', () => {
    // Only the last weight (2) counts here: Σ = 2v, check = 11 − Σ mod 11.
    expect(orgCodeCheckChar('00000001')).toBe('9');
    expect(orgCodeCheckChar('00000006')).toBe('X'); // Σ = 12 ≡ 1 → 10
    expect(orgCodeCheckChar('00000000')).toBe('0'); // Σ = 0 → 11
  });

  it.each([
    ['a wrong length', valid.slice(0, 17), /18 characters/],
    ['a letter outside the alphabet', `${valid.slice(0, 10)}O${valid.slice(11)}`, /not allowed/],
    ['a division that is no province', `9199${valid.slice(4)}`, /province/],
    ['a wrong organisation-code check', `${valid.slice(0, 16)}${valid[16] === '1' ? '2' : '1'}${valid[17]}`, /GB 11714/],
    ['a wrong check character', `${valid.slice(0, 17)}${valid[17] === 'A' ? 'B' : 'A'}`, /check character/],
  ])('rejects %s and says which check failed', (_name, code, reason) => {
    expect(reasonOf(checkUscc(code))).toMatch(reason);
  });
});

describe('居民身份证号 (GB 11643)', () => {
  const first17 = '52263319850315123';
  const valid = first17 + idCardCheckChar(first17);

  it('accepts a valid number', () => {
    expect(checkResidentIdNumber(valid)).toEqual({ valid: true });
  });

  it('uses X for a remainder of 2', () => {
    expect('10X98765432'[2]).toBe('X');
    expect(idCardCheckChar('11010519491231002')).toBe('X'); // the standard's own example
  });

  it('rejects a wrong check digit, an impossible date and a future birth', () => {
    expect(reasonOf(checkResidentIdNumber(`${first17}${valid[17] === '0' ? '1' : '0'}`))).toMatch(/check digit/);
    const feb30 = '52263319850230123';
    expect(reasonOf(checkResidentIdNumber(feb30 + idCardCheckChar(feb30)))).toMatch(/not a real date/);
    const future = '52263320991231123';
    expect(reasonOf(checkResidentIdNumber(future + idCardCheckChar(future), new Date('2026-11-28')))).toMatch(/future/);
  });
});

describe('投资项目代码', () => {
  it('accepts the current and the old layout', () => {
    expect(checkProjectCode('2409-522633-89-01-123457')).toEqual({ valid: true });
    expect(checkProjectCode('2018-522633-47-03-012345')).toEqual({ valid: true });
  });

  it('rejects a bad month, a non-division region and a wrong shape', () => {
    expect(reasonOf(checkProjectCode('2413-522633-89-01-123457'))).toMatch(/YYMM/);
    expect(reasonOf(checkProjectCode('2409-992633-89-01-123457'))).toMatch(/province/);
    expect(reasonOf(checkProjectCode('2409522633890112345'))).toMatch(/must look like/);
  });
});

describe('不动产单元号 (GB/T 37346-2019)', () => {
  it('accepts the standard example', () => {
    expect(checkUnitNumber('522633001001GB00001F00010001')).toEqual({ valid: true });
  });

  it.each([
    ['too short', '522633001001GB00001F0001', /28 characters/],
    ['an ownership letter other than G/J/Z', '522633001001XB00001F00010001', /G\/J\/Z/],
    ['a fixture letter other than F/L/Q/W', '522633001001GB00001A00010001', /F\/L\/Q\/W/],
    ['a division that is no province', '002633001001GB00001F00010001', /province/],
  ])('rejects %s', (_name, code, reason) => {
    expect(reasonOf(checkUnitNumber(code))).toMatch(reason);
  });
});

describe('other county identifiers', () => {
  it('checks construction permit numbers: region, real date, specialty 01–19', () => {
    expect(checkConstructionPermitNumber('522633202403150101')).toEqual({ valid: true });
    expect(reasonOf(checkConstructionPermitNumber('522633202402300101'))).toMatch(/real date/);
    expect(reasonOf(checkConstructionPermitNumber('522633202403150120'))).toMatch(/specialty/);
  });

  it('checks division, region and town codes', () => {
    expect(checkDivisionCode('522633')).toEqual({ valid: true });
    expect(checkRegionCode('5226')).toEqual({ valid: true });
    expect(checkRegionCode('522633101000')).toEqual({ valid: true });
    expect(reasonOf(checkRegionCode('52263'))).toMatch(/2, 4, 6 or 12/);
    expect(checkTownCode('522633101000')).toEqual({ valid: true });
    expect(reasonOf(checkTownCode('522633101001'))).toMatch(/ends in 000/);
    expect(reasonOf(checkTownCode('522633000000'))).toMatch(/001–399/);
  });

  it('checks e-licence identifiers and mobile phones', () => {
    const org8 = 'MB1234567'.slice(0, 8);
    const first17 = `11522633${org8}${orgCodeCheckChar(org8)}`;
    const issuer = first17 + usccCheckChar(first17);
    expect(checkElectronicLicenceId(`1.2.156.3005.2.0301.${issuer}.2024000001.001.7`)).toEqual({ valid: true });
    expect(reasonOf(checkElectronicLicenceId('1.2.156.3005.2.0301.bad.1.001.7'))).toMatch(/must be/);
    expect(checkMobilePhone('13812341234')).toEqual({ valid: true });
    expect(reasonOf(checkMobilePhone('12812341234'))).toMatch(/13–19/);
  });
});
