import { execFileSync, spawn } from 'node:child_process';
import net from 'node:net';
import { describe, expect, it } from 'vitest';

// Runs in the unit project only: it proves that project's setup (test/support/unit-guard.ts) bites.
describe('the unit tier', () => {
  it.each([5432, 6379, 5672, 15672])('refuses a connection to the shared server on 127.0.0.1:%i', (port) => {
    expect(() => net.connect({ host: '127.0.0.1', port })).toThrow(/shared server.*integration project/);
    expect(() => new net.Socket().connect(port, 'localhost')).toThrow(/shared server/);
  });

  it('refuses child processes, also through named imports and execa', async () => {
    expect(() => spawn('true')).toThrow(/started a process \(child_process\.spawn true\)/);
    expect(() => execFileSync('true')).toThrow(/child_process\.execFileSync/);
    const { execa } = await import('execa');
    await expect(async () => execa('true')).rejects.toThrow(/started a process/);
  });

  it('still lets in-process servers on other ports answer', async () => {
    const server = net.createServer((socket) => socket.end('hello'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      let data = '';
      socket.on('data', (chunk) => (data += chunk));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    server.close();
    expect(reply).toBe('hello');
  });
});
