/**
 * The fingerprint duplicate detection used before: two 32-bit FNV-1a variants of the UTF-16 units, the second one
 * mixed. Kept here to show what crafted emails did to it.
 */
export const oldFingerprint = (text: string): [number, number] => {
  let high = 0x811c9dc5;
  let low = 0x050c5d1f;
  for (let index = 0; index < text.length; index += 1) {
    high = Math.imul(high ^ text.charCodeAt(index), 0x01000193) >>> 0;
    low = Math.imul(low ^ text.charCodeAt(index), 0x0100019d) >>> 0;
  }
  low = Math.imul(low ^ (low >>> 16), 0x85ebca6b) >>> 0;
  low = Math.imul(low ^ (low >>> 13), 0xc2b2ae35) >>> 0;
  return [high, (low ^ (low >>> 16)) >>> 0];
};

/**
 * Two valid, different addresses with the same old fingerprint, found in a second by Joux's multicollision: 20 pairs of
 * three-character blocks that collide in the first hash give 2^20 addresses equal in it, among which a birthday search
 * finds two equal in the second.
 */
export const COLLIDING_EMAILS = [
  '綕繜嘩鄪曩醴悭粨璱楲炫過鞆幉俒呶礃迴懏轔嵏墅詚妇裣稶弻懯鮼砟俤鹣臒迸鞽貐翤衉猄薛熦醟屡橖巵洣哌霙恈繟後撃綺椵洧釦厏崆綁嘢@example.org',
  '綕繜嘩剀卩墊悭粨璱子僇隬醾琯爈呶礃迴僋汨舟泃囚寱裣稶弻懯鮼砟鲒長爼檬霋惪翤衉猄鑏翼誹屡橖巵恳鞐欍恈繟後撃綺椵洧釦厏崆綁嘢@example.org',
] as const;
