/**
 * The web shell's public door: layout, shared components, pages and the asset
 * pipeline. Other modules import from here only.
 */

export { ACCOUNT_SECTIONS, AccountSectionNav, accountSectionOf } from './account-nav.tsx';
export { ADMIN_SECTIONS, AdminNav } from './admin-nav.tsx';
export {
  ASSET_PREFIX,
  type Asset,
  type AssetManifest,
  type AssetSource,
  assetUrl,
  type BuildAssetOptions,
  buildAssetManifest,
  createAssetManifest,
  fingerprint,
  getAssetManifest,
} from './assets.ts';
export { type AssetsPluginOptions, assetsPlugin } from './assets-plugin.ts';
export {
  Alert,
  type AlertKind,
  Button,
  type ButtonProps,
  Card,
  CSRF_FIELD,
  CsrfInput,
  FormField,
  type FormFieldProps,
} from './components.tsx';
export {
  type Flash,
  jsonForScript,
  Layout,
  type LayoutProps,
  type LayoutUser,
  MAIN_NAV,
  type OpenGraph,
  type PageChrome,
  SITE_NAME,
} from './layout.tsx';
export {
  type Block,
  button,
  heading,
  link,
  list,
  type MailContent,
  p,
  renderMail,
  steps,
} from './mail-layout.ts';
export { ErrorPage, type ErrorPageProps, renderErrorPage } from './pages/error-page.tsx';
export { HomePage, type HomePageProps, type HomeTool, type Testimonial } from './pages/home-page.tsx';
export {
  codingSuffix,
  PERSONAL_PAGE_CACHE,
  PUBLIC_PAGE_CACHE,
  renderPage,
  sendPage,
  sendPublicPage,
} from './render.ts';
export { tokens } from './tokens.ts';
