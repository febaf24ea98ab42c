// Accounts over real HTTP: tokens, sign-in and sign-out, invitations, users and profiles,
// and the rule that nothing of one workspace is visible from another.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWithTeam } from '../lib/server.mjs';

let server, owner, alice, bob, guest, outsider;

before(async () => {
  const team = await startWithTeam({ members: 2, guests: 1 });
  ({ server, owner } = team);
  [alice, bob] = team.members;
  [guest] = team.guests;
  outsider = server.admin(
    'create-workspace',
    '--name',
    'Other Co',
    '--email',
    'boss@other.test',
    '--password',
    'yet another passphrase',
  );
});

after(async () => {
  await server.stop();
  server.cleanup();
});

test('api.test echoes and fails on request, without a token', async () => {
  assert.deepEqual(await server.api('api.test', null, { foo: 'bar' }), {
    ok: true,
    args: { foo: 'bar' },
  });
  assert.equal((await server.api('api.test', null, { error: 'my_error' })).error, 'my_error');
});

test('auth.test identifies the caller by header or by token argument', async () => {
  const viaHeader = await server.api('auth.test', alice.token);
  assert.equal(viaHeader.ok, true);
  assert.equal(viaHeader.user_id, alice.user_id);
  assert.equal(viaHeader.team_id, owner.team_id);
  assert.equal(viaHeader.user, 'member0');
  const viaArg = await server.api('auth.test', null, { token: alice.token });
  assert.equal(viaArg.user_id, alice.user_id);
});

test('missing and unknown tokens are refused', async () => {
  assert.equal((await server.api('auth.test', null)).error, 'not_authed');
  assert.equal((await server.api('auth.test', 'xoxp-' + '0'.repeat(64))).error, 'invalid_auth');
  assert.equal((await server.api('auth.test', 'garbage')).error, 'invalid_auth');
  assert.equal((await server.api('users.list', null)).error, 'not_authed');
});

test('unknown methods get unknown_method', async () => {
  assert.equal((await server.api('chat.teleport', alice.token)).error, 'unknown_method');
  assert.equal((await server.api('chat$teleport', alice.token)).error, 'unknown_method');
});

test('team.info returns the own team and hides others', async () => {
  const info = await server.api('team.info', alice.token);
  assert.equal(info.team.id, owner.team_id);
  assert.equal(info.team.name, 'Acme');
  assert.equal(info.team.domain, 'acme');
  assert.equal(
    (await server.api('team.info', alice.token, { team: outsider.team_id })).error,
    'team_not_found',
  );
});

test('sign-in gives a session token; sign-out revokes it', async () => {
  const signedIn = await server.api('auth.signin', null, {
    email: 'MEMBER1@acme.test',
    password: 'another long passphrase',
  });
  assert.equal(signedIn.ok, true);
  assert.match(signedIn.token, /^xoxc-[0-9a-f]{64}$/);
  assert.equal(signedIn.user_id, bob.user_id);
  assert.equal((await server.api('auth.test', signedIn.token)).user_id, bob.user_id);

  assert.equal((await server.api('auth.signout', signedIn.token)).revoked, true);
  assert.equal((await server.api('auth.test', signedIn.token)).error, 'token_revoked');
  assert.equal((await server.api('auth.test', bob.token)).ok, true, 'other tokens still work');
});

test('sign-in refuses wrong passwords and unknown emails alike', async () => {
  const wrong = await server.api('auth.signin', null, {
    email: 'member1@acme.test',
    password: 'nope nope nope',
  });
  const unknown = await server.api('auth.signin', null, {
    email: 'nobody@acme.test',
    password: 'nope nope nope',
  });
  assert.equal(wrong.error, 'invalid_credentials');
  assert.equal(unknown.error, 'invalid_credentials');
});

test('sign-in is throttled per account after repeated failures', async () => {
  const email = 'guest0@acme.test';
  for (let i = 0; i < 10; i++) {
    assert.equal(
      (await server.api('auth.signin', null, { email, password: `wrong ${i} wrong` })).error,
      'invalid_credentials',
    );
  }
  const throttled = await server.api('auth.signin', null, {
    email,
    password: 'another long passphrase',
  });
  assert.equal(throttled.error, 'ratelimited', 'even the right password waits out the window');
});

test('sign-in with an email in two workspaces needs the team', async () => {
  server.admin(
    'create-user',
    '--team',
    outsider.team_id,
    '--email',
    'member0@acme.test',
    '--password',
    'different passphrase',
  );
  const ambiguous = await server.api('auth.signin', null, {
    email: 'member0@acme.test',
    password: 'another long passphrase',
  });
  assert.equal(ambiguous.error, 'team_required');
  const chosen = await server.api('auth.signin', null, {
    email: 'member0@acme.test',
    password: 'another long passphrase',
    team: 'acme',
  });
  assert.equal(chosen.user_id, alice.user_id);
});

test('users.list pages through the workspace and never shows another', async () => {
  for (let i = 0; i < 5; i++) {
    server.admin(
      'create-user',
      '--team',
      owner.team_id,
      '--email',
      `extra${i}@acme.test`,
      '--password',
      'another long passphrase',
    );
  }
  const seen = [];
  let cursor;
  do {
    const page = await server.api('users.list', alice.token, { limit: 3, cursor });
    assert.equal(page.ok, true);
    assert.ok(page.members.length <= 3);
    seen.push(...page.members.map((m) => m.id));
    cursor = page.response_metadata.next_cursor;
  } while (cursor);
  assert.equal(seen.length, new Set(seen).size, 'no user twice');
  assert.ok(seen.includes(owner.user_id) && seen.includes(guest.user_id));
  assert.ok(!seen.includes(outsider.user_id));
  assert.equal(
    (await server.api('users.list', alice.token, { cursor: 'bogus' })).error,
    'invalid_cursor',
  );
  assert.equal(
    (await server.api('users.list', alice.token, { limit: 'ten' })).error,
    'invalid_limit',
  );
});

test('users.info and users.lookupByEmail see only the own workspace', async () => {
  const info = await server.api('users.info', alice.token, { user: guest.user_id });
  assert.equal(info.user.id, guest.user_id);
  assert.equal(info.user.is_restricted, true);
  assert.equal(info.user.team_id, owner.team_id);
  const ownerInfo = await server.api('users.info', alice.token, { user: owner.user_id });
  assert.equal(ownerInfo.user.is_owner, true);
  assert.equal(ownerInfo.user.is_admin, true);
  assert.equal(
    (await server.api('users.info', alice.token, { user: outsider.user_id })).error,
    'user_not_found',
  );
  assert.equal(
    (await server.api('users.info', alice.token, { user: 'UNOPE' })).error,
    'user_not_found',
  );
  assert.equal((await server.api('users.info', alice.token)).error, 'user_not_found');

  const found = await server.api('users.lookupByEmail', alice.token, {
    email: 'Member1@Acme.test',
  });
  assert.equal(found.user.id, bob.user_id);
  assert.equal(
    (await server.api('users.lookupByEmail', alice.token, { email: 'boss@other.test' })).error,
    'users_not_found',
  );
});

test('users.profile.set edits the own profile; others need admin', async () => {
  const set = await server.api('users.profile.set', alice.token, {
    profile: {
      display_name: 'Alice',
      status_text: 'On a train',
      status_emoji: ':train:',
      title: 'Engineer',
    },
  });
  assert.equal(set.ok, true);
  assert.equal(set.profile.display_name, 'Alice');
  const got = await server.api('users.profile.get', bob.token, { user: alice.user_id });
  assert.equal(got.profile.status_text, 'On a train');
  assert.equal(got.profile.title, 'Engineer');

  const avatar = await server.api('users.profile.set', alice.token, {
    name: 'image_original',
    value: 'https://images.example.com/alice.png',
  });
  assert.equal(avatar.profile.image_48, 'https://images.example.com/alice.png');
  assert.ok(avatar.profile.avatar_hash);
  assert.equal(
    (
      await server.api('users.profile.set', alice.token, {
        name: 'image_original',
        value: 'javascript:alert(1)',
      })
    ).error,
    'invalid_profile',
  );

  const single = await server.api('users.profile.set', alice.token, {
    name: 'real_name',
    value: 'Alice Liddell',
  });
  assert.equal(single.profile.real_name, 'Alice Liddell');

  assert.equal(
    (
      await server.api('users.profile.set', bob.token, {
        user: alice.user_id,
        name: 'title',
        value: 'x',
      })
    ).error,
    'not_admin',
  );
  const byOwner = await server.api('users.profile.set', owner.token, {
    user: alice.user_id,
    name: 'title',
    value: 'Lead',
  });
  assert.equal(byOwner.profile.title, 'Lead');

  assert.equal(
    (await server.api('users.profile.set', alice.token, { profile: { nonsense: 'x' } })).error,
    'invalid_profile',
  );
  assert.equal(
    (await server.api('users.profile.set', alice.token, { profile: '[1]' })).error,
    'invalid_profile',
  );
  assert.equal(
    (
      await server.api('users.profile.set', alice.token, {
        profile: { status_text: 'x'.repeat(101) },
      })
    ).error,
    'invalid_profile',
  );
  assert.equal(
    (await server.api('users.profile.get', alice.token, { user: outsider.user_id })).error,
    'user_not_found',
  );
});

test('invitations let people join; each link works as often as allowed', async () => {
  const created = await server.api('invites.create', alice.token, { email: 'newbie@acme.test' });
  assert.equal(created.ok, true);
  assert.match(created.invite.url, /\/join\//);

  const wrongEmail = await server.api('invites.accept', null, {
    code: created.invite.code,
    email: 'someone@acme.test',
    password: 'a fine passphrase',
  });
  assert.equal(wrongEmail.error, 'invalid_invite');

  const joined = await server.api('invites.accept', null, {
    code: created.invite.code,
    email: 'newbie@acme.test',
    name: 'newbie',
    password: 'a fine passphrase',
  });
  assert.equal(joined.ok, true);
  assert.equal(joined.team_id, owner.team_id);
  assert.equal((await server.api('auth.test', joined.token)).user, 'newbie');

  const again = await server.api('invites.accept', null, {
    code: created.invite.code,
    email: 'newbie@acme.test',
    password: 'a fine passphrase',
  });
  assert.equal(again.error, 'invalid_invite');
  assert.equal(
    (
      await server.api('invites.accept', null, {
        code: 'inv-nothing',
        email: 'x@y.z',
        password: 'long enough',
      })
    ).error,
    'invalid_invite',
  );
});

test('open invitation links serve several people up to max_uses', async () => {
  const link = await server.api('invites.create', owner.token, { max_uses: 2, role: 'guest' });
  for (const who of ['open1', 'open2']) {
    const joined = await server.api('invites.accept', null, {
      code: link.invite.code,
      email: `${who}@acme.test`,
      password: 'a fine passphrase',
    });
    assert.equal(joined.ok, true);
    assert.equal(joined.user.is_restricted, true, 'joined as a guest');
  }
  const third = await server.api('invites.accept', null, {
    code: link.invite.code,
    email: 'open3@acme.test',
    password: 'a fine passphrase',
  });
  assert.equal(third.error, 'invalid_invite');
});

test('only admins invite admins and guests; guests invite nobody', async () => {
  assert.equal(
    (await server.api('invites.create', alice.token, { role: 'admin' })).error,
    'restricted_action',
  );
  assert.equal(
    (await server.api('invites.create', alice.token, { role: 'guest' })).error,
    'restricted_action',
  );
  assert.equal((await server.api('invites.create', guest.token)).error, 'restricted_action');
  assert.equal(
    (await server.api('invites.create', owner.token, { role: 'owner' })).error,
    'restricted_action',
  );
  assert.equal(
    (await server.api('invites.create', owner.token, { role: 'emperor' })).error,
    'invalid_arguments',
  );
  assert.equal(
    (await server.api('invites.create', owner.token, { email: 'member1@acme.test' })).error,
    'already_in_team',
  );
  assert.equal(
    (await server.api('invites.create', owner.token, { email: 'not-an-email' })).error,
    'invalid_email',
  );
});

test('a deactivated user is refused everywhere; a reset password revokes tokens', async () => {
  const temp = server.admin(
    'create-user',
    '--team',
    owner.team_id,
    '--email',
    'temp@acme.test',
    '--password',
    'temporary passphrase',
  );
  assert.equal((await server.api('auth.test', temp.token)).ok, true);
  server.admin('deactivate-user', '--user', temp.user_id);
  assert.equal((await server.api('auth.test', temp.token)).error, 'account_inactive');
  assert.equal(
    (
      await server.api('auth.signin', null, {
        email: 'temp@acme.test',
        password: 'temporary passphrase',
      })
    ).error,
    'account_inactive',
  );
  assert.equal(
    (await server.api('users.info', alice.token, { user: temp.user_id })).user.deleted,
    true,
  );

  const other = server.admin(
    'create-user',
    '--team',
    owner.team_id,
    '--email',
    'reset@acme.test',
    '--password',
    'first passphrase',
  );
  server.admin('reset-password', '--user', other.user_id, '--password', 'second passphrase');
  assert.equal((await server.api('auth.test', other.token)).error, 'token_revoked');
  assert.equal(
    (
      await server.api('auth.signin', null, {
        email: 'reset@acme.test',
        password: 'second passphrase',
      })
    ).ok,
    true,
  );
});

test('admin CLI reports errors as Slack-style names', () => {
  assert.throws(
    () =>
      server.admin(
        'create-user',
        '--team',
        'TNOPE',
        '--email',
        'a@b.c',
        '--password',
        'long enough',
      ),
    (e) => JSON.parse(e.stdout).error === 'team_not_found',
  );
  assert.throws(
    () =>
      server.admin(
        'create-user',
        '--team',
        owner.team_id,
        '--email',
        'member0@acme.test',
        '--password',
        'long enough',
      ),
    (e) => JSON.parse(e.stdout).error === 'already_in_team',
  );
  assert.throws(
    () =>
      server.admin(
        'create-user',
        '--team',
        owner.team_id,
        '--email',
        'short@acme.test',
        '--password',
        'short',
      ),
    (e) => JSON.parse(e.stdout).error === 'password_too_short',
  );
  assert.throws(
    () => server.admin('deactivate-user', '--user', owner.user_id),
    (e) => JSON.parse(e.stdout).error === 'cant_deactivate_owner',
  );
  const listed = server.admin('list-users', '--team', owner.team_id);
  assert.ok(listed.users.some((u) => u.id === alice.user_id && u.role === 'member'));
});
