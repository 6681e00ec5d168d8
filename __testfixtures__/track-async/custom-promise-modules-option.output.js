import { query } from 'my-db';
import * as mail from '@acme/mailer';
import { format } from 'date-fns';
import { track } from '@leakfix/runtime';

export function signup(user) {
  track(query('insert into users values ($1)', [user.id]), 'signup:query');
  track(mail.send(user.email, 'welcome'), 'signup:mail.send');
  format(new Date(), 'yyyy');
}
