// Test harness: boots the service against a disposable PostgreSQL schema and fake providers.
export interface TestAppOptions {
  providers?: Record<string, 'ok' | 'timeout' | 'down'>;
  budgetMicroUsd?: number;
  role?: 'member' | 'admin';
  tenant?: string;
  tokenTenant?: string;
}

export interface TestResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface TestApp {
  tenantId: string;
  sessionId: string;
  guestId: string;
  get(path: string): Promise<TestResponse>;
  post(path: string, body: unknown): Promise<TestResponse>;
  put(path: string, body: unknown): Promise<TestResponse>;
  published(event: string): unknown[];
  deliver(event: string, payload: unknown): Promise<void>;
  countRows(table: string, where: Record<string, string>): Promise<number>;
}

export declare function createTestApp(options?: TestAppOptions): Promise<TestApp>;
