/**
 * The ack-latency baseline: a bare Bolt app in HTTP mode that verifies the signature and acks
 * every slash command, and does nothing else. Same Bolt, same receiver, same process model as
 * the bot, and like the bot's build (dist/) plain JavaScript on node: what is left between the two
 * numbers is the bot's own doing. Reads PORT and SLACK_SIGNING_SECRET.
 */
import { App, ExpressReceiver } from '@slack/bolt';

const receiver = new ExpressReceiver({ signingSecret: process.env.SLACK_SIGNING_SECRET ?? 'unset', endpoints: '/slack/events' });
// botId and botUserId given: Bolt makes no auth.test call (there is no Slack to call).
const app = new App({ receiver, token: 'xoxb-unused', tokenVerificationEnabled: false, botId: 'B1', botUserId: 'U1' });
app.command(/.*/, async ({ ack }) => {
  await ack();
});
await app.start(Number(process.env.PORT ?? 3000));
