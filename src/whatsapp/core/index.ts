/** Opening WhatsApp backups (crypt12, crypt14, crypt15) with the person's own key. */
export { WhatsAppDecryption, type WhatsAppDecryptOptions, type WhatsAppSummary } from './decrypt.ts';
export {
  cryptSuffix,
  FORMAT_DESCRIPTIONS,
  outputName,
  parseWhatsAppHeader,
  readWhatsAppHeader,
  type WhatsAppFormat,
  type WhatsAppHeader,
} from './format.ts';
export { bodyKey, checkKeyFits } from './key-fit.ts';
export {
  describeKey,
  keyDigits,
  parseWhatsAppKey,
  parseWhatsAppKeyFile,
  type WhatsAppKey,
  whatsappKeyProblem,
} from './keys.ts';
export type { WhatsAppContent } from './stream-parts.ts';
