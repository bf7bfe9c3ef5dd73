/**
 * The backup form's state: the pending form (kept across tabs), the passphrase's strength, the
 * options remembered across visits, and what a remembered recovery key needs.
 */
import { useEffect, useState } from 'preact/hooks';
import type { BackupItem } from '../../worker/protocol.ts';
import { countWords } from '../shared/format.ts';
import { hasPrivateStorage } from '../shared/temp-output.ts';
import { useStrength } from '../shared/useStrength.ts';
import { loadSettings, type Settings, saveSettings } from '../vault/db.ts';
import { isDeviceUnlocked, rememberedKeyMethod } from '../vault/remembered-key.ts';
import { asksDevicePassphrase, type RememberedMethod } from './backup-checks.ts';
import { topLevelNames } from './naming.ts';
import { usePendingForm } from './pending.ts';
import type { BackupOptions } from './start-backup.ts';

/** Remembers a choice from the form for next time (settings persist across visits). */
async function persist(change: Partial<Settings>) {
  await saveSettings({ ...(await loadSettings()), ...change });
}

const SETTING_OF = { strong: 'kdf', compress: 'compress', verify: 'verify' } as const;

export function useBackupForm(items: BackupItem[]) {
  const [form, update] = usePendingForm();
  const strength = useStrength(form.passphrase);
  const [options, setOptions] = useState<BackupOptions>({ strong: false, compress: true, verify: true, parity: false });
  const [rememberedWith, setRememberedWith] = useState<RememberedMethod>();
  const [devicePassphrase, setDevicePassphrase] = useState('');
  const [canKeep, setCanKeep] = useState(true);
  const deviceUnlocked = isDeviceUnlocked();
  const asksDevice = asksDevicePassphrase(form, rememberedWith, deviceUnlocked);
  const deviceStrength = useStrength(devicePassphrase, asksDevice === 'set');

  useEffect(() => {
    loadSettings().then((settings) =>
      setOptions((old) => ({
        ...old,
        strong: settings.kdf === 'strong',
        compress: settings.compress,
        verify: settings.verify,
      })),
    );
    rememberedKeyMethod().then(setRememberedWith);
    hasPrivateStorage().then(setCanKeep);
  }, []);

  /** Changes one option; all but repair data are remembered for the next visit. */
  function setOption(name: keyof BackupOptions, value: boolean) {
    setOptions((old) => ({ ...old, [name]: value }));
    if (name === 'strong') void persist({ kdf: value ? 'strong' : 'default' });
    else if (name !== 'parity') void persist({ [SETTING_OF[name]]: value });
  }

  const total = items.reduce((sum, item) => sum + (item.file?.size ?? 0), 0);
  const fileCount = items.filter((item) => item.type === 'file').length;

  return {
    form,
    update,
    strength,
    options,
    setOption,
    rememberedWith,
    setRememberedWith,
    devicePassphrase,
    setDevicePassphrase,
    deviceStrength,
    deviceUnlocked,
    asksDevice,
    canKeep,
    total,
    summary: countWords(fileCount, items.length - fileCount),
    sources: topLevelNames(items.map((item) => item.path)),
  };
}

export type BackupForm = ReturnType<typeof useBackupForm>;
