/**
 * The sign-in page's rarer forms, one lazy chunk: the first admin's setup (first run) and the
 * forgotten password's two forms (ask for a link, choose the new password). An operator who
 * just signs in never fetches them; one file compresses better than two.
 */
export { ForgotPassword, ResetPassword } from './PasswordReset.tsx'
export { Setup } from './Setup.tsx'
