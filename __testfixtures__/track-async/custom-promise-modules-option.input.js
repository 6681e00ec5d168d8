import { query } from 'my-db';
import * as mail from '@acme/mailer';
import { format } from 'date-fns';

export function signup(user) {
  query('insert into users values ($1)', [user.id]);
  mail.send(user.email, 'welcome');
  format(new Date(), 'yyyy');
}
