import { useEffect } from "react";
import { AuthPage } from "./features/auth/AuthPage";
import { ShareLinkPage } from "./features/documents/ShareLinkPage";
import { AppShell } from "./features/shell/AppShell";
import { PasswordResetPage } from "./features/auth/PasswordResetPage";
import { Link } from "./lib/Link";
import { navigate, useRoute, type Route } from "./lib/router";
import { useSession } from "./lib/services";

/** Pages anyone may see, signed in or not. */
const PUBLIC_PAGES = new Set<Route["page"]>(["signin", "signup", "passwordReset"]);

/** Top-level routing: the auth pages for visitors, the shell for everyone signed in. */
export function App() {
  const route = useRoute();
  const session = useSession();
  const needsAuth = !session && !PUBLIC_PAGES.has(route.page);

  useEffect(() => {
    if (needsAuth) {
      const next = location.pathname === "/" ? "" : `?next=${encodeURIComponent(location.pathname + location.search)}`;
      navigate(`/signin${next}`, { replace: true });
    }
  }, [needsAuth]);

  if (route.page === "signin") return <AuthPage key="signin" mode="signin" {...(route.next ? { next: route.next } : {})} />;
  if (route.page === "signup") return <AuthPage key="signup" mode="signup" {...(route.email ? { email: route.email } : {})} {...(route.next ? { next: route.next } : {})} />;
  if (route.page === "passwordReset") return <PasswordResetPage key={route.token ?? "ask"} {...(route.token ? { token: route.token } : {})} />;
  if (!session) return null;
  if (route.page === "notFound") {
    return (
      <div className="center-page">
        <h1>This page does not exist</h1>
        <Link href="/">Go to your workspaces</Link>
      </div>
    );
  }
  if (route.page === "share") return <ShareLinkPage token={route.token} />;
  return <AppShell route={route} user={session.user} />;
}
