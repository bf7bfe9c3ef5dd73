import { useEffect, useState } from 'preact/hooks';
import { loadSettings, type Settings, saveSettings } from '../vault/db.ts';

export function applyTheme(theme: Settings['theme']): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

/**
 * The theme is a setting of the whole app, so it sits in the footer of every tab (issue 21,
 * item 12), not among the backups kept on this device.
 */
export function ThemeSetting() {
  const [theme, setTheme] = useState<Settings['theme']>();
  useEffect(() => {
    void loadSettings().then((settings) => {
      setTheme(settings.theme);
      applyTheme(settings.theme);
    });
  }, []);
  if (!theme) return null;
  const change = async (next: Settings['theme']) => {
    setTheme(next);
    applyTheme(next);
    // Read again: the backup form may have saved its own settings since this loaded.
    await saveSettings({ ...(await loadSettings()), theme: next });
  };
  return (
    <label class="theme-setting">
      Theme
      <select value={theme} onChange={(e) => change(e.currentTarget.value as Settings['theme'])}>
        <option value="system">Same as the system</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  );
}
