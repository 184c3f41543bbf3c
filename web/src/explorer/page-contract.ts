/**
 * What the local endpoint puts into the explorer page it serves at /explorer, shared by the server
 * (local/server/pages.ts) and the page (credentials.ts). No imports: Node and the browser both load it.
 */

/** The local credentials the explorer may send. The page is served to the endpoint's own origin only. */
export interface ExplorerCredentials {
  readonly apiKey: string;
  /** A Cognito user pool token of the local admin (group admins). */
  readonly adminToken: string;
  /** The local IAM credentials (an admin principal and the publisher, as the endpoint names them). */
  readonly iam: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly region: string };
}

/** The id of the `<script type="application/json">` element holding {@link ExplorerCredentials}. */
export const CREDENTIALS_ELEMENT_ID = 'explorer-credentials';

/** The comment in explorer.html the server replaces with that element. */
export const CREDENTIALS_PLACEHOLDER = '<!--explorer-credentials-->';
