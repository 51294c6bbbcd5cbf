/**
 * Fresh state folders for one test run, with user settings that keep the workbench quiet and predictable.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ServerProfile } from './server';

/** Settings every test run starts with: no welcome page, no trust prompt, no AI side bar, no network look-ups. */
export const quietSettings: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'git.enabled': false,
  'window.dialogStyle': 'custom',
  'editor.minimap.enabled': false,
};

/** A run's folders; {@link TestProfile.dispose} deletes them unless LOSS_LENS_KEEP_PROFILE is set. */
export interface TestProfile extends ServerProfile {
  /** Parent of all the folders below, under the system temp folder. */
  readonly root: string;
  /** A folder for the browser's own profile. */
  readonly browserDataDir: string;
  dispose(): void;
}

/**
 * Creates fresh profile folders. `userDataDir` and `extensionsDir` may be given (runTests passes both); the rest are
 * created under a new temp folder.
 */
export function createProfile(
  settings: Readonly<Record<string, unknown>> = {},
  dirs: { userDataDir?: string; extensionsDir?: string } = {},
): TestProfile {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-vscode-'));
  const profile = {
    root,
    userDataDir: dirs.userDataDir ?? path.join(root, 'user-data'),
    extensionsDir: dirs.extensionsDir ?? path.join(root, 'extensions'),
    serverDataDir: path.join(root, 'server-data'),
    browserDataDir: path.join(root, 'browser'),
    dispose(): void {
      if (!process.env.LOSS_LENS_KEEP_PROFILE) fs.rmSync(root, { recursive: true, force: true });
    },
  };
  for (const dir of [profile.userDataDir, profile.extensionsDir, profile.serverDataDir, profile.browserDataDir]) {
    fs.mkdirSync(dir, { recursive: true });
  }
  writeUserSettings(profile, { ...quietSettings, ...settings });
  return profile;
}

/** Replaces the user settings (`<userDataDir>/User/settings.json`, where this server's workbench reads them). */
export function writeUserSettings(profile: ServerProfile, settings: Readonly<Record<string, unknown>>): void {
  const userDir = path.join(profile.userDataDir, 'User');
  fs.mkdirSync(userDir, { recursive: true });
  fs.writeFileSync(path.join(userDir, 'settings.json'), JSON.stringify(settings, null, 2));
}
