/**
 * Where receivers pull a live mount of this server (modules/live): `<publicUrl>/live/<mountId>.mp3`,
 * with their device credentials. Built from the public URL the way media URLs are.
 */
export function liveMountUrl(publicUrl: string, mountId: string): string {
  return `${publicUrl.replace(/\/$/, '')}/live/${encodeURIComponent(mountId)}.mp3`;
}
