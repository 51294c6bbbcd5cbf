/**
 * Drives the real VS Code workbench like a person: the VS Code server from `npm run vscode:install`, headless Debian
 * Chromium through playwright-core, and this extension either loaded from the project folder in development mode (the
 * same `extensionDevelopmentPath` payload the integration tests use; requires `npm run build`) or, with `vsix`,
 * installed from a packaged .vsix with code-server's `--install-extension`, as a user installs it.
 *
 *     const workbench = await Workbench.open({ settings: { 'workbench.colorTheme': 'Default Dark Modern' } });
 *     await workbench.openFile('logits.py');
 *     await workbench.selectText('[[2.0, 0.5, -1.0], [0.1, 1.2, 0.3]]');
 *     await workbench.runCommand('Loss Lens: Compute Loss on Selection');
 *     await workbench.screenshot('compute-dark');
 *     await workbench.close();
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BrowserContext, Frame, FrameLocator, Locator, Page } from 'playwright-core';
import { launchBrowser, workbenchUrl } from '../../scripts/vscode-test/browser';
import { installLanguagePack } from '../../scripts/vscode-test/locale';
import { createProfile, quietSettings, writeUserSettings, type TestProfile } from '../../scripts/vscode-test/profile';
import { repoRoot, startServer, type VSCodeServer } from '../../scripts/vscode-test/server';
import { installVsix } from '../../scripts/vscode-test/vsix';

/** Where {@link Workbench.screenshot} saves (`NAME.tmp.png`, ignored by git). */
export const screenshotDir = path.join(repoRoot, 'test', 'e2e', 'screenshots');

/** The folder copied into a fresh temp workspace when {@link WorkbenchOptions.folder} is not given. */
export const defaultWorkspace = path.join(__dirname, 'workspace');

/** Options for {@link Workbench.open}. */
export interface WorkbenchOptions {
  /** Folder whose copy is opened as the workspace (default test/e2e/workspace); the copy can be edited freely. */
  readonly folder?: string;
  /** User settings over the quiet defaults, e.g. `{ 'workbench.colorTheme': 'Default Dark Modern' }`. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Display language, e.g. `zh-cn`: the extension's strings then come from its zh-cn bundles (see locale.ts). */
  readonly locale?: string;
  readonly viewport?: { width: number; height: number };
  /** Load this extension in development mode (default true; ignored when `vsix` is given). */
  readonly loadExtension?: boolean;
  /**
   * A packaged .vsix to install into the fresh profile with `code-server --install-extension` before the server
   * starts; the workbench then runs the installed extension, not the project folder. Not with a non-English
   * `locale`: the stand-in language pack (locale.ts) is not listed in the extensions.json that the install writes.
   */
  readonly vsix?: string;
}

/** Copies `source` into `target` (recursively). */
function copyFolder(source: string, target: string): void {
  fs.cpSync(source, target, { recursive: true });
}

/** A workbench in headless Chromium with its own server and profile; {@link Workbench.close} ends all of it. */
export class Workbench {
  private consoleErrors: string[] = [];

  private constructor(
    /** The Playwright page showing the workbench: use it for anything this class does not cover. */
    readonly page: Page,
    /** Absolute path of the opened workspace folder (a temp copy). */
    readonly folder: string,
    private readonly context: BrowserContext,
    private readonly server: VSCodeServer,
    private readonly profile: TestProfile,
    private settings: Record<string, unknown>,
  ) {
    page.on('console', (message) => {
      if (message.type() === 'error') this.consoleErrors.push(message.text());
    });
  }

  /** Starts a server and a browser, opens the workspace and waits until the workbench and the extension are ready. */
  static async open(options: WorkbenchOptions = {}): Promise<Workbench> {
    const development = options.loadExtension !== false && !options.vsix;
    if (options.vsix && options.locale && !options.locale.toLowerCase().startsWith('en')) {
      throw new Error(
        'Workbench.open: `vsix` with a non-English `locale` is not supported (see WorkbenchOptions.vsix).',
      );
    }
    if (development && !fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) {
      throw new Error('dist/extension.js is missing: run `npm run build` first (npm run test:e2e does).');
    }
    const settings = { ...quietSettings, ...options.settings };
    const profile = createProfile(settings);
    const folder = path.join(profile.root, 'workspace');
    copyFolder(options.folder ?? defaultWorkspace, folder);
    if (options.locale && !options.locale.toLowerCase().startsWith('en')) installLanguagePack(profile, options.locale);
    if (options.vsix) {
      try {
        installVsix(options.vsix, profile);
      } catch (error) {
        profile.dispose();
        throw error;
      }
    }
    const onLog = process.env.LOSS_LENS_VERBOSE === '1' ? (line: string) => console.log(`[server] ${line}`) : undefined;
    const server = await startServer({ profile, locale: options.locale, onLog });
    let context: BrowserContext | undefined;
    try {
      context = await launchBrowser({
        browserDataDir: profile.browserDataDir,
        locale: options.locale,
        viewport: options.viewport,
      });
      const page = context.pages()[0] ?? (await context.newPage());
      const workbench = new Workbench(page, folder, context, server, profile, settings);
      await page.goto(
        workbenchUrl(server, {
          folder,
          extensionDevelopmentPaths: development ? [repoRoot] : [],
        }),
      );
      await workbench.waitUntilReady();
      return workbench;
    } catch (error) {
      await context?.close().catch(() => undefined);
      await server.stop();
      profile.dispose();
      throw error;
    }
  }

  /** Waits for the workbench to be restored with the workspace open in the Explorer. */
  async waitUntilReady(): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await this.page.locator('.explorer-folders-view').waitFor({ timeout: 60_000 });
    await this.page.locator('.monaco-workbench .part.statusbar').waitFor();
  }

  /** Closes the browser, stops the server and deletes the profile and workspace copy. */
  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
    await this.server.stop();
    this.profile.dispose();
  }

  /** Errors the workbench page logged to its console so far (for diagnosis). */
  get browserErrors(): readonly string[] {
    return this.consoleErrors;
  }

  /**
   * Changes user settings: rewrites settings.json and reloads the workbench (this server's workbench does not
   * watch the file). For the color theme, {@link Workbench.setColorTheme} is quicker.
   */
  async updateSettings(changes: Readonly<Record<string, unknown>>): Promise<void> {
    this.settings = { ...this.settings, ...changes };
    writeUserSettings(this.profile, this.settings);
    await this.page.reload();
    await this.waitUntilReady();
  }

  /** Picks a color theme as a person would: Preferences: Color Theme, its label, Enter; waits until it is applied. */
  async setColorTheme(label: string): Promise<void> {
    await this.runCommand('Preferences: Color Theme');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.fill(label);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().waitFor();
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    const kind = /high contrast light/i.test(label)
      ? 'hc-light'
      : /high contrast/i.test(label)
        ? 'hc-black'
        : /dark|black|monokai|abyss|night|red|kimbie/i.test(label)
          ? 'vs-dark'
          : 'vs';
    await this.page.locator(`.monaco-workbench.${kind}`).waitFor();
    // Let the new colors paint before a screenshot.
    await this.page.waitForTimeout(300);
  }

  /** Runs a command from the command palette by its title as the palette shows it (`Category: Title`). */
  async runCommand(title: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    // A webview that takes the focus back can close the palette as it opens: open it again, as a person would.
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('F1');
      try {
        await input.waitFor({ state: 'visible', timeout: 5_000 });
        await input.fill(`>${title}`, { timeout: 5_000 });
        break;
      } catch (e) {
        if (attempt === 3) throw e;
        await this.page.keyboard.press('Escape');
      }
    }
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    await row.waitFor();
    await row.click();
  }

  /** Opens a file of the workspace with Quick Open (Ctrl+P) and waits for its editor to be active. */
  async openFile(relativePath: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor();
    await input.fill(relativePath);
    const name = path.basename(relativePath);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
    await this.page.keyboard.press('Enter');
    await this.page.locator(`.tabs-container .tab.active[data-resource-name="${name}"]`).waitFor();
    await this.activeEditor().locator('.view-lines').waitFor();
  }

  /** The active text editor (a Monaco editor in the editor area). */
  activeEditor(): Locator {
    return this.page.locator('.editor-group-container.active .editor-instance .monaco-editor').first();
  }

  /**
   * Selects the first occurrence of `text` in the active editor's file, as a person would with the keyboard: Go to
   * Line/Column (Ctrl+G, `line:column`), then Shift+Right once per character. Resolves once the status bar shows
   * the selection's length.
   */
  async selectText(text: string, relativePath?: string): Promise<void> {
    const file = relativePath ?? (await this.activeFileName());
    const content = fs.readFileSync(path.join(this.folder, file), 'utf8').replace(/\r\n/g, '\n');
    const offset = content.indexOf(text);
    if (offset === -1) throw new Error(`"${text}" is not in ${file}`);
    const before = content.slice(0, offset).split('\n');
    const line = before.length;
    const column = before[before.length - 1]!.length + 1;
    await this.activeEditor().locator('.view-lines').click();
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor();
    await input.fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    for (let i = 0; i < text.length; i++) await this.page.keyboard.press('Shift+ArrowRight');
    await this.page
      .locator('.statusbar-item', { hasText: new RegExp(`\\(${text.length} selected\\)`) })
      .first()
      .waitFor();
  }

  /** Selects the whole text of the active editor (Ctrl+A), as a person selecting a pasted snippet would. */
  async selectAll(): Promise<void> {
    await this.activeEditor().locator('.view-lines').click();
    await this.page.keyboard.press('Control+A');
    await this.page
      .locator('.statusbar-item', { hasText: /selected\)/ })
      .first()
      .waitFor();
  }

  /**
   * The content frame of one of the extension's webviews, told apart by the `data-role` its page sets on <body>
   * (`breakdown` for the panel, `inspector` for the side-bar view). Waits until it is there.
   */
  async webviewByRole(role: string, timeoutMs = 20_000): Promise<Frame> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      for (const frame of this.page.frames()) {
        // The callback runs in the page, where `document` exists; the test project has no DOM types.
        const found = await frame
          .evaluate(
            (r) =>
              (globalThis as unknown as { document?: { body?: { dataset: Record<string, string> } } }).document?.body
                ?.dataset.role === r,
            role,
          )
          .catch(() => false);
        if (found) return frame;
      }
      if (Date.now() > end) throw new Error(`no webview with data-role=${role}`);
      await this.page.waitForTimeout(100);
    }
  }

  /** File name of the active editor tab. */
  async activeFileName(): Promise<string> {
    const name = await this.page.locator('.tabs-container .tab.active').first().getAttribute('data-resource-name');
    if (!name) throw new Error('No editor is active');
    return name;
  }

  /** Right-clicks the middle of the selection in the active editor (else of its text) to open the context menu. */
  private async openEditorContextMenu(): Promise<void> {
    // A selection is drawn as one highlight per line; an empty last line has a zero-width one, so take the widest.
    let box: { x: number; y: number; width: number; height: number } | null = null;
    for (const piece of await this.activeEditor().locator('.selected-text').all()) {
      const b = await piece.boundingBox();
      if (b && b.width > 0 && (!box || b.width > box.width)) box = b;
    }
    box ??= await this.activeEditor().locator('.view-lines').boundingBox();
    if (!box) throw new Error('The active editor is not visible');
    // The text layer lies above the selection highlight, so click by position, as a mouse would.
    await this.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2, { button: 'right' });
    await this.page.locator('.context-view .monaco-menu .action-item').first().waitFor();
  }

  /** Right-clicks the current selection in the active editor (or its text) and clicks `item` in the menu. */
  async contextMenu(item: string): Promise<void> {
    await this.openEditorContextMenu();
    const entry = this.page
      .locator('.context-view .monaco-menu .action-item')
      .filter({ has: this.page.locator('.action-label', { hasText: item }) })
      .first();
    // VS Code's menu ignores a press and release within the same instant; a person's click takes a moment.
    await entry.click({ delay: 80 });
    await this.page.locator('.context-view .monaco-menu').waitFor({ state: 'hidden' });
  }

  /** Labels of the editor context menu for the current selection (the menu is closed again). */
  async contextMenuItems(): Promise<string[]> {
    await this.openEditorContextMenu();
    const labels = this.page.locator('.context-view .monaco-menu .action-item .action-label');
    const texts = (await labels.allTextContents()).map((t) => t.trim()).filter(Boolean);
    await this.page.keyboard.press('Escape');
    return texts;
  }

  /** Texts of the notification toasts now showing. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-list-item-message').allTextContents();
  }

  /** Waits until a notification toast containing `text` has faded in completely (so screenshots show it). */
  async waitForNotification(text: string | RegExp): Promise<Locator> {
    const toast = this.page
      .locator('.notifications-toasts .notification-toast.notification-fade-in-done')
      .filter({ has: this.page.locator('.notification-list-item-message', { hasText: text }) })
      .first();
    await toast.waitFor();
    return toast;
  }

  /** Dismisses all notifications (Notifications: Clear All Notifications). */
  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
    await this.page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'hidden' });
  }

  /**
   * The content of a webview (panel or view), two iframes deep: the workbench's `iframe.webview.ready`, then the
   * extension's document in `iframe#active-frame`. `extensionId` (e.g. `loss-lens.loss-lens`) picks the webviews of
   * that extension; the first matching webview that is ready is used.
   */
  webview(extensionId?: string): FrameLocator {
    const id = extensionId ? encodeURIComponent(extensionId) : '';
    const outer = extensionId
      ? this.page.locator(
          `iframe.webview.ready[src*="extensionId=${id}&"], iframe.webview.ready[src$="extensionId=${id}"]`,
        )
      : this.page.locator('iframe.webview.ready');
    return outer.first().contentFrame().frameLocator('iframe#active-frame');
  }

  /** Text of `selector` (default: the whole body) inside a webview (see {@link Workbench.webview}); waits for it. */
  async webviewText(selector = 'body', extensionId?: string): Promise<string> {
    const element = this.webview(extensionId).locator(selector).first();
    await element.waitFor();
    return (await element.innerText()).trim();
  }

  /** Saves a PNG of the whole workbench to test/e2e/screenshots/NAME.tmp.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(screenshotDir, { recursive: true });
    const file = path.join(screenshotDir, `${name}.tmp.png`);
    await this.page.screenshot({ path: file });
    return file;
  }
}
