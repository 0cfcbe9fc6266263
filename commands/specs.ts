/**
 * Every command, declared once. The same declaration drives Slack/web text parsing, Discord
 * option registration, validation messages and /help.
 */
import type { CommandSpec } from '../src/command.js';

export const ASPECT_RATIOS = ['1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3', '21:9', '4:5', '5:4'];

export const generateSpec: CommandSpec = {
  name: 'generate',
  description: 'Generate images or a video from a prompt',
  examples: ['a red fox at dawn --ar 16:9', 'a lighthouse in a storm --n 2 --seed 42', 'waves crashing --video --duration 8'],
  params: [
    { name: 'prompt', kind: 'string', description: 'What to make', required: true, rest: true, maxLength: 4000 },
    {
      name: 'aspect_ratio',
      kind: 'string',
      description: 'Aspect ratio, e.g. 16:9',
      aliases: ['ar', 'aspect'],
      strictChoices: false,
      pattern: { regex: /^\d{1,4}:\d{1,4}$/, example: '16:9' },
      choices: ASPECT_RATIOS.map((r) => ({ name: r, value: r })),
    },
    { name: 'count', kind: 'integer', description: 'How many images', aliases: ['n'], min: 1, max: 4 },
    { name: 'model', kind: 'string', description: 'Model id, e.g. image/bfl/flux-1-dev', autocomplete: true, maxLength: 100 },
    { name: 'seed', kind: 'integer', description: 'Seed for repeatable results', min: 0, max: 4294967295 },
    { name: 'negative_prompt', kind: 'string', description: 'What to avoid', aliases: ['no'], greedy: true, maxLength: 1000 },
    { name: 'style', kind: 'string', description: 'A Krea style (LoRA) id', maxLength: 100 },
    { name: 'video', kind: 'boolean', description: 'Make a video instead of images', flagOnly: true },
    { name: 'duration', kind: 'number', description: 'Video length in seconds', min: 1, max: 60 },
    { name: 'resolution', kind: 'string', description: 'Video resolution, e.g. 720p', maxLength: 20 },
    {
      name: 'provider',
      kind: 'string',
      description: 'Generation API',
      choices: [
        { name: 'Krea', value: 'krea' },
        { name: 'Krev', value: 'krev' },
        { name: 'KPainter', value: 'kpainter' },
      ],
    },
    {
      name: 'product',
      kind: 'string',
      description: 'Krev product name(s) or id(s), comma-separated',
      aliases: ['products'],
      // Names have spaces: the value runs to the next flag (`--product Leather Wallet`).
      greedy: true,
      autocomplete: true,
      maxLength: 500,
    },
    { name: 'image', kind: 'attachment', description: 'Input image(s)', multiple: 3 },
  ],
};

export const animateSpec: CommandSpec = {
  name: 'animate',
  description: 'Turn an image into a short video',
  examples: ['--message_link https://…', 'slow push-in, leaves drifting --duration 6'],
  params: [
    { name: 'prompt', kind: 'string', description: 'How it should move', rest: true, maxLength: 2000 },
    { name: 'image', kind: 'attachment', description: 'The image to animate' },
    { name: 'message_link', kind: 'string', description: 'Link to a message with an image', aliases: ['link'], maxLength: 300 },
    { name: 'duration', kind: 'number', description: 'Video length in seconds', min: 1, max: 60 },
    { name: 'model', kind: 'string', description: 'Video model id', autocomplete: true, maxLength: 100 },
  ],
};

export const modelsSpec: CommandSpec = {
  name: 'models',
  description: 'List the models you can use',
  // The search is the free text: `--search` is not a flag (a rest param has none).
  examples: ['', '--kind video', 'flux'],
  params: [
    {
      name: 'kind',
      kind: 'string',
      description: 'Only this kind',
      choices: [
        { name: 'image', value: 'image' },
        { name: 'video', value: 'video' },
        { name: 'enhance', value: 'enhance' },
      ],
    },
    { name: 'search', kind: 'string', description: 'Only ids containing this', rest: true, maxLength: 100 },
  ],
};

export const productsSpec: CommandSpec = {
  name: 'products',
  description: 'Your Krev product catalog (admins add products)',
  // `add` as a flag reads right on every platform (Discord: `add:Name`); Slack text also takes `products add Name`.
  examples: ['', 'wallet', '--add Leather Wallet'],
  params: [
    { name: 'search', kind: 'string', description: 'Only names containing this', rest: true, maxLength: 200 },
    { name: 'add', kind: 'string', description: 'Add a product with this name (admins; attach its image)', greedy: true, maxLength: 100 },
    { name: 'image', kind: 'attachment', description: 'The new product’s image (JPG, PNG or WebP)' },
  ],
};

export const briefSpec: CommandSpec = {
  name: 'brief',
  description: 'Brief Krev’s creative agent: ideas, copy and images',
  examples: ['three ad concepts for summer --product Leather Wallet'],
  params: [
    { name: 'message', kind: 'string', description: 'What the agent should do', required: true, rest: true, maxLength: 4000 },
    { name: 'product', kind: 'string', description: 'Krev product name(s) or id(s), comma-separated', aliases: ['products'], greedy: true, autocomplete: true, maxLength: 500 },
    {
      name: 'agent',
      kind: 'string',
      description: 'Which Krev agent (default auto)',
      choices: [
        { name: 'auto', value: 'auto' },
        { name: 'asset', value: 'asset' },
        { name: 'discover', value: 'discover' },
      ],
    },
    { name: 'image', kind: 'attachment', description: 'Reference image(s)', multiple: 2 },
  ],
};

export const creditsSpec: CommandSpec = { name: 'credits', description: 'Show the provider balance', examples: [''], params: [] };
export const jobsSpec: CommandSpec = {
  name: 'jobs',
  description: 'Your running and recent generations (admins: all, export)',
  examples: ['', 'all', 'export'],
  params: [{ name: 'filter', kind: 'string', description: 'all (everyone’s) or export (a CSV by DM); admins only', rest: true, maxLength: 20 }],
};

export const settingsSpec: CommandSpec = {
  name: 'settings',
  description: 'Show or change workspace settings (admins change)',
  examples: ['', 'image_model image/bfl/flux-1-dev', 'animate_emoji clapper'],
  params: [{ name: 'setting', kind: 'string', description: 'Setting and value, e.g. animate_emoji clapper', rest: true, maxLength: 200 }],
};

export const connectSpec: CommandSpec = {
  name: 'connect',
  description: 'Connect a provider API key for this workspace (admins)',
  examples: ['krea <api key>', 'krea remove'],
  params: [{ name: 'provider', kind: 'string', description: 'Provider and key, e.g. krea <key>', rest: true, maxLength: 500 }],
};

export const helpSpec: CommandSpec = {
  name: 'help',
  description: 'How to use the bot',
  examples: ['', 'generate'],
  params: [{ name: 'command', kind: 'string', description: 'A command to explain', rest: true, maxLength: 50 }],
};

export const allSpecs: readonly CommandSpec[] = [generateSpec, animateSpec, briefSpec, modelsSpec, productsSpec, creditsSpec, jobsSpec, settingsSpec, connectSpec, helpSpec];
