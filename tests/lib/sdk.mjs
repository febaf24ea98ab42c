// Helpers shared by the Slack SDK compatibility tests.
import assert from 'node:assert/strict';
import { WebClient, LogLevel, ErrorCode } from '@slack/web-api';

// A WebClient pointed at a test server; `token` may be undefined (no credentials at all).
export function sdkClient(server, token) {
  return new WebClient(token, {
    slackApiUrl: server.url + '/api/',
    retryConfig: { retries: 0 },
    logLevel: LogLevel.ERROR,
  });
}

// An assert.rejects validator: the SDK's PlatformError carrying Slack's error `name`.
export function slackError(name) {
  return (e) => {
    assert.equal(
      e.code,
      ErrorCode.PlatformError,
      `expected a platform error, got ${e.code}: ${e.message}`,
    );
    assert.equal(e.data.ok, false);
    assert.equal(e.data.error, name);
    return true;
  };
}

// Awaits `promise` and checks it fails with the Slack error `name`.
export function failsWith(name, promise) {
  return assert.rejects(promise, slackError(name));
}
