/**
 * The dashboard says every failure in Chinese: each code the gateway and subgraphs emit
 * (lib/errors.ts) has its own message, so a new code cannot reach staff as the generic
 * "未知错误" or as English.
 */
import { ERROR_CODES } from '../../lib/errors';
import { CODES_SAID, describeError } from '../../web/dashboard/src/error-messages';

describe('the dashboard’s error messages', () => {
  it.each(Object.keys(ERROR_CODES))('says %s in Chinese, with the code only in the details', (code) => {
    expect(CODES_SAID).toContain(code);
    const text = describeError({ message: 'an English reason', extensions: { code, reason: 'circuit open after repeated failures' } });
    expect(text.message).toMatch(/[\u4e00-\u9fff]/);
    expect(text.message).not.toMatch(/[A-Za-z]{4,}/);
    expect(text.detail).toContain(code);
  });
});
