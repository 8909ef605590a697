import { describe, expect, it } from 'vitest';
import { hasUserInfo, redactText, redactUrl, urlSecrets } from '../src/index.js';

describe('redactUrl', () => {
  it('drops query strings, fragments and user-info', () => {
    expect(redactUrl('https://user:pw@bucket.s3.amazonaws.com/a/b.jpg?X-Amz-Signature=abc#x')).toBe(
      'https://bucket.s3.amazonaws.com/a/b.jpg?…',
    );
    expect(redactUrl('http://h/p')).toBe('http://h/p');
    expect(redactUrl('http://tok3n@h:8080/p')).toBe('http://h:8080/p');
    expect(redactUrl('data:image/png;base64,AAAA')).toBe('data:image/png;base64,…');
    expect(redactUrl('not a url?token=x')).toBe('not a url?…');
    expect(redactUrl('http://user:se cret@host')).toBe('http://host');
  });
});

describe('hasUserInfo', () => {
  it('finds user and password parts, also in URLs that do not parse', () => {
    expect(hasUserInfo('http://user:TOKEN@host')).toBe(true);
    expect(hasUserInfo('https://TOKEN@host/x')).toBe(true);
    expect(hasUserInfo('http://host/a@b')).toBe(false);
    expect(hasUserInfo('http://u:se cret@host')).toBe(true);
  });
});

describe('redactText', () => {
  it('redacts URLs in text and known secrets', () => {
    expect(redactText('GET https://h/x.jpg?sig=123456 failed; see http://h/y')).toBe(
      'GET https://h/x.jpg?… failed; see http://h/y',
    );
    expect(redactText('no access token for http://me:s3cret-tok@h:1.')).toBe(
      'no access token for http://h:1.',
    );
    expect(redactText('signature was s3cr3tvalue', ['s3cr3tvalue'])).toBe('signature was ***');
  });
});

describe('urlSecrets', () => {
  it('lists user-info and query values', () => {
    expect(urlSecrets('http://user:TOKENVALUE@h/p?signature=abcdef123&x=1')).toEqual(
      expect.arrayContaining(['TOKENVALUE', 'abcdef123', 'signature=abcdef123&x=1']),
    );
    expect(urlSecrets('data:text/plain,hello')).toEqual([]);
  });
});
