// Secrets never go into a bundle: credential-like values are replaced in every text and object collected.
import { REDACTED, redactObject, redactText } from '../../src/bundle/redact.js';

describe('redactText', () => {
  test.each([
    ['Authorization: Bearer abcdefghijklmnop.qrs', 'abcdefghijklmnop'],
    ['level=info msg="login" password=hunter2secret', 'hunter2secret'],
    ['{"token": "s3cr3t-value-123"}', 's3cr3t-value-123'],
    ['api_key: AKIAEXAMPLEKEY', 'AKIAEXAMPLEKEY'],
    ['sa eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJlLXZhbHVl used', 'eyJhbGciOiJSUzI1NiJ9'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----', 'MIIEow'],
  ])('%s loses its secret', (text, secret) => {
    const out = redactText(text);
    expect(out).not.toContain(secret);
    expect(out).toContain(REDACTED);
  });

  test('ordinary agent output is unchanged', () => {
    const line =
      'level=warning msg="Unable to update ipcache map entry" error="map full" subsys=datapath-ipcache ipAddr=10.0.1.5';
    expect(redactText(line)).toBe(line);
    expect(
      redactText(
        'ID   Frontend            Service Type   Backend\n1    10.96.0.10:53/UDP   ClusterIP      1 => 10.0.1.2:53/UDP (active)\n',
      ),
    ).toContain('10.96.0.10:53/UDP');
  });
});

describe('redactObject', () => {
  test('env values and data keys that name a credential', () => {
    const pod = {
      spec: {
        containers: [
          {
            name: 'app',
            env: [
              { name: 'DB_PASSWORD', value: 'pw-1' },
              { name: 'GITHUB_TOKEN', value: 'ghp_x' },
              { name: 'LOG_LEVEL', value: 'debug' },
            ],
          },
        ],
      },
    };
    const out = redactObject(pod);
    expect(out.spec.containers[0].env.map((e) => e.value)).toEqual([REDACTED, REDACTED, 'debug']);
    const cm = redactObject({ data: { 'etcd-password': 'pw', 'kube-proxy-replacement': 'true', 'ca.key': 'x' } });
    expect(cm.data['etcd-password']).toBe(REDACTED);
    expect(cm.data['kube-proxy-replacement']).toBe('true');
  });

  test('does not change the input', () => {
    const o = { token: 'abc' };
    redactObject(o);
    expect(o.token).toBe('abc');
  });
});
