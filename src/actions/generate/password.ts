import { defineAction } from '../types.js';
import { type PasswordParams, passwordParams, generateValue } from './value.js';

function describeEncoding(p: PasswordParams): string {
  if (p.encoding === 'alphabet')
    return `${p.length ?? p.bytes} characters from a ${p.alphabet.length}-character alphabet`;
  const cut = p.length ? `, cut to ${p.length} characters` : '';
  return `${p.bytes} random bytes as ${p.encoding}${p.strip ? ` without "${p.strip}"` : ''}${cut}`;
}

/** `generate.password`: Draw a new random secret value (kept in memory only, masked everywhere). */
export const generatePassword = defineAction({
  id: 'generate.password',
  summary: 'Draw a new random secret value (kept in memory only, masked everywhere)',
  params: passwordParams,
  outputs: ['value', 'length'],
  changes: false,
  class: 'safe',
  describe: (p) => `generate ${describeEncoding(p)}; nothing is written anywhere`,
  async run(p, ctx) {
    const value = generateValue(p);
    return { value: ctx.secret(value, `steps.${ctx.stepId}.value`), length: value.length };
  },
});
