export {
  ACCESS_TOKEN_ALGORITHMS,
  ACCESS_TOKEN_TYP,
  bearerChallenge,
  createAccessTokenVerifier,
  invalidTokenProblem,
  keyResolverOf,
  type AccessTokenClaims,
  type AccessTokenVerifier,
  type AccessTokenVerifierOptions,
  type KeySetSource,
} from "./accessTokenVerifier.js";
export { bearerToken, principalOf, requireUser, userPreHandler } from "./requireUser.js";
