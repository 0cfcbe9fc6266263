/**
 * Image links pasted into a prompt become image inputs and leave the prompt text. Slack wraps
 * links as `<https://…>` or `<https://…|label>`; plain URLs count when they end in an image
 * extension (a link to a web page is part of the prompt, not an input).
 */
export const MAX_PROMPT_IMAGES = 3;

const SLACK_LINK = /<(https?:\/\/[^>|\s]+)(?:\|[^>]*)?>/g;
const PLAIN_URL = /(^|\s)(https?:\/\/\S+)/g;
const IMAGE_PATH = /\.(png|jpe?g|webp|gif|heic|heif|avif)$/i;

function isImageUrl(raw: string): boolean {
  try {
    return IMAGE_PATH.test(new URL(raw).pathname);
  } catch {
    return false;
  }
}

export function extractImageUrls(text: string): { text: string; urls: string[] } {
  const urls: string[] = [];
  const take = (url: string) => {
    if (urls.length < MAX_PROMPT_IMAGES && !urls.includes(url)) urls.push(url);
  };
  let out = text.replace(SLACK_LINK, (whole, url: string) => {
    if (!isImageUrl(url)) return url;
    take(url);
    return ' ';
  });
  out = out.replace(PLAIN_URL, (whole, lead: string, url: string) => {
    const clean = url.replace(/[),.;!?]+$/, '');
    if (!isImageUrl(clean)) return whole;
    take(clean);
    return lead + url.slice(clean.length);
  });
  return { text: out.replace(/\s{2,}/g, ' ').trim(), urls };
}
