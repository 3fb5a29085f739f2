import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { chromium, type BrowserContext, type Download } from 'playwright-core';
import { CHROMIUM_ARGS } from '@refunds/shared';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import type { AlertRuleEntity } from '../../app-db/entities';
import { AuthService } from '../auth/auth.service';
import { SESSION_COOKIE, SessionsService } from '../auth/sessions.service';
import { parseFilterJson } from '../saved-views/saved-views.service';
import { dashboardLink } from './messages';

export interface PackFile {
  filename: string;
  content: Buffer;
}

const PAGE_TIMEOUT_MS = 30_000;

/** The analysis pages, in the dashboard's order: a pack is what each page's Export menu gives. */
export const PACK_PAGES = ['/', '/incentives', '/reasons', '/channels', '/outcomes', '/policy'] as const;

/**
 * Renders the meeting pack the way a person gets it: the server's own headless Chromium opens each
 * analysis page with the rule's filter, signed in with the rule owner's rights, and takes what the
 * Export menu gives (the PDF, then the CSVs).
 */
@Injectable()
export class PackRenderer {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly adapter: HttpAdapterHost,
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
  ) {}

  private ownUrl(): string {
    const addr = (this.adapter.httpAdapter.getHttpServer() as { address(): AddressInfo | string | null }).address();
    if (!addr || typeof addr !== 'object') return `http://127.0.0.1:${this.config.port}`;
    // Bound to every interface: loopback reaches it; bound to one address: that address.
    const host = addr.address === '0.0.0.0' || addr.address === '::' ? '127.0.0.1' : addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return `http://${host}:${addr.port}`;
  }

  /** One Chromium at a time: packs due together wait for each other rather than share the CPU and memory. */
  private queue: Promise<unknown> = Promise.resolve();

  render(rule: AlertRuleEntity): Promise<PackFile[]> {
    const run = this.queue.then(() => this.renderNow(rule));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async renderNow(rule: AlertRuleEntity): Promise<PackFile[]> {
    const sessionId = await this.auth.openSessionFor({ userId: rule.ownerUserId, tokenId: rule.ownerTokenId }, '127.0.0.1');
    if (!sessionId) throw new Error(`the rule's owner ${rule.owner} can no longer sign in`);
    const base = this.ownUrl();
    const browser = await chromium.launch({
      executablePath: this.config.alerts.chromiumPath,
      args: [...CHROMIUM_ARGS],
    });
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
      await context.addCookies([{ name: SESSION_COOKIE, value: sessionId, url: base, httpOnly: true, sameSite: 'Lax' }]);
      await context.addInitScript({ content: `localStorage.setItem('refunds.locale', ${JSON.stringify(rule.language)});` });
      const files: PackFile[] = [];
      for (const path of PACK_PAGES) files.push(...(await this.exportPage(context, dashboardLink(base, path, parseFilterJson(rule.filter)))));
      await context.close();
      return files;
    } finally {
      await browser.close();
      await this.sessions.end(sessionId);
    }
  }

  private async exportPage(context: BrowserContext, url: string): Promise<PackFile[]> {
    const page = await context.newPage();
    page.setDefaultTimeout(PAGE_TIMEOUT_MS);
    await page.goto(url);
    await page.waitForLoadState('networkidle');
    // Locators, not waitForFunction: the dashboard's CSP forbids the string evaluation that would need.
    await page.locator('[data-page]').first().waitFor();
    await page.locator('.skeleton').first().waitFor({ state: 'detached' });
    await page.waitForLoadState('networkidle');
    const files: PackFile[] = [];
    const take = async (item: 'export-pdf' | 'export-csv') => {
      const got: Promise<PackFile>[] = [];
      const onDownload = (d: Download) =>
        got.push(d.createReadStream().then(async (stream) => ({ filename: d.suggestedFilename(), content: Buffer.concat(await stream.toArray()) })));
      page.on('download', onDownload);
      const first = page.waitForEvent('download');
      await page.getByTestId('export-button').click();
      await page.getByTestId(item).click();
      await first;
      // The CSV export downloads one file per table, one after another.
      await page.locator('[data-testid="export-button"]:not([disabled])').waitFor();
      await page.waitForTimeout(500);
      page.off('download', onDownload);
      files.push(...(await Promise.all(got)));
    };
    await take('export-pdf');
    await take('export-csv');
    await page.close();
    return files;
  }
}
